// The page's pure decisions (chatsessions/static/chatsessions/page/rules.js), run with
// Node's built-in test runner: `node --test tests/js/` (tests/test_page_scripts.py runs it).

import assert from "node:assert/strict";
import { test } from "node:test";

import {
  afterClose,
  commandsMatching,
  downloadUrl,
  fenced,
  framesOf,
  groupRuns,
  initialChat,
  reduce,
  moduleUrl,
  safeIcon,
  shownAs,
  shownAuthor,
  sizeText,
  stepIcon,
  stepTime,
} from "../../chatsessions/static/chatsessions/page/rules.js";

const CLOSE = {
  NORMAL: 1000,
  ENDED_BY_SERVER: 4000,
  BAD_START: 4400,
  NOT_LOGGED_IN: 4401,
  FORBIDDEN: 4403,
  FORBIDDEN_ORIGIN: 4003,
  UNKNOWN_APP: 4404,
  APP_UNAVAILABLE: 4500,
  RESUMED_ELSEWHERE: 4409,
};

test("a WebSocket message is one frame or a list of them, in order", () => {
  assert.deepEqual(framesOf({ type: "message" }), [{ type: "message" }]);
  assert.deepEqual(framesOf([{ type: "a" }, { type: "b" }]), [{ type: "a" }, { type: "b" }]);
});

test("a session frame sets the chat's state, a resumed question included", () => {
  const ask = { type: "ask", for: "m1", kind: "text" };
  const chat = reduce(initialChat, {
    type: "session",
    id: "s1",
    user: "alice",
    history_before: 40,
    running: true,
    ask,
  });
  assert.deepEqual(chat, { sessionId: "s1", username: "alice", olderCursor: 40, running: true, asking: ask });
  assert.deepEqual(reduce(initialChat, { type: "session", id: "s2" }), { ...initialChat, sessionId: "s2" });
});

test("task frames start and stop the running state; other frames leave the state as it is", () => {
  const running = reduce(initialChat, { type: "task", state: "start" });
  assert.equal(running.running, true);
  assert.equal(reduce(running, { type: "task", state: "end" }).running, false);
  for (const type of ["message", "stream", "step", "error", "settings", "feedback", "nonsense"]) {
    assert.equal(reduce(running, { type }), running);
  }
});

test("a question ends with an ask_end for it, or for any question; not for another one", () => {
  const asked = reduce(initialChat, { type: "ask", for: "m1", kind: "text" });
  assert.equal(asked.asking.for, "m1");
  assert.equal(reduce(asked, { type: "ask_end", for: "m2" }), asked);
  assert.equal(reduce(asked, { type: "ask_end", for: "m1" }).asking, null);
  assert.equal(reduce(asked, { type: "ask_end" }).asking, null);
  assert.equal(reduce(initialChat, { type: "ask_end", for: "m1" }), initialChat);
});

test("each close code of the server has its own outcome", () => {
  assert.deepEqual(afterClose(CLOSE.NOT_LOGGED_IN, CLOSE, 0), { state: "closed", text: "Logged out", login: true });
  const forbidden = afterClose(CLOSE.FORBIDDEN, CLOSE, 3);
  assert.equal(forbidden.forget, "session");
  assert.equal(forbidden.reconnect, 0); // a new chat at once, not after a backoff
  assert.equal(afterClose(CLOSE.ENDED_BY_SERVER, CLOSE, 0).forget, "session");
  assert.equal(afterClose(CLOSE.BAD_START, CLOSE, 0).forget, "profile");
  for (const code of [CLOSE.RESUMED_ELSEWHERE, CLOSE.FORBIDDEN_ORIGIN, CLOSE.UNKNOWN_APP, CLOSE.APP_UNAVAILABLE]) {
    const outcome = afterClose(code, CLOSE, 0);
    assert.equal(outcome.state, "closed", code);
    assert.equal(outcome.reconnect, undefined, code);
  }
});

test("any other close reconnects with a backoff that doubles to 30 s, with jitter", () => {
  const middle = () => 0.5; // no jitter
  assert.equal(afterClose(1006, CLOSE, 0, middle).reconnect, 500);
  assert.equal(afterClose(1006, CLOSE, 3, middle).reconnect, 4000);
  assert.equal(afterClose(1006, CLOSE, 20, middle).reconnect, 30000);
  assert.equal(afterClose(1006, CLOSE, 0, () => 0).reconnect, 400);
  assert.equal(afterClose(1006, CLOSE, 0, () => 1).reconnect, 600);
  assert.match(afterClose(1011, CLOSE, 3, middle).text, /reconnecting in 4 s/);
});

test("the user's own messages say You", () => {
  assert.equal(shownAuthor("user", "alice", "alice"), "You");
  assert.equal(shownAuthor("user", "bob", "alice"), "bob");
  assert.equal(shownAuthor("assistant", "alice", "alice"), "alice");
});

test("a code block's fence is longer than any run of backticks in its text", () => {
  assert.equal(fenced("x = 1", "python"), "```python\nx = 1\n```");
  assert.equal(fenced("a ```` b", true), "`````\na ```` b\n`````");
  assert.equal(fenced("plain", true), "```\nplain\n```");
});

test("a step's time reads running, milliseconds or seconds", () => {
  assert.equal(stepTime("2026-12-03T10:00:00Z", null), "running…");
  assert.equal(stepTime("2026-12-03T10:00:00Z", "2026-12-03T10:00:00.250Z"), "250 ms");
  assert.equal(stepTime("2026-12-03T10:00:00Z", "2026-12-03T10:00:02.5Z"), "2.5 s");
});

test("sizes read in B, KB or MB; anything else reads as nothing", () => {
  assert.equal(sizeText(12), "12 B");
  assert.equal(sizeText(2048), "2.0 KB");
  assert.equal(sizeText(3 * 1024 * 1024), "3.0 MB");
  assert.equal(sizeText(undefined), "");
  assert.equal(sizeText("12"), "");
});

test("known element types show inline, any other as a download", () => {
  for (const type of ["image", "pdf", "text", "plotly", "dataframe", "audio", "video", "custom"]) assert.equal(shownAs({ type }), type);
  for (const type of ["file", "", undefined, "__proto__"]) assert.equal(shownAs({ type }), "download");
  assert.equal(downloadUrl("/chat/files/1/"), "/chat/files/1/?download=1");
  assert.equal(downloadUrl("/chat/files/1/?x=1"), "/chat/files/1/?x=1");
  assert.equal(downloadUrl("https://bucket.example/f?sig=1"), "https://bucket.example/f?sig=1");
});

test("a starter's icon comes only from http(s) or the site's own paths", () => {
  assert.ok(safeIcon("/static/icon.svg"));
  assert.ok(safeIcon("https://example.com/i.png"));
  for (const icon of ["javascript:alert(1)", "data:image/svg+xml,<svg/>", "icon.png", "", null, undefined]) {
    assert.equal(safeIcon(icon), false, String(icon));
  }
});

test("a page of chats splits into runs of one day group, continuing the list's last", () => {
  const chats = [
    { id: 1, group: "Today" },
    { id: 2, group: "Today" },
    { id: 3, group: "Yesterday" },
    { id: 4, group: "Previous 7 days" },
  ];
  const runs = groupRuns(chats, "Today");
  assert.deepEqual(
    runs.map((run) => [run.group, run.chats.map((chat) => chat.id), run.continues]),
    [
      ["Today", [1, 2], true],
      ["Yesterday", [3], false],
      ["Previous 7 days", [4], false],
    ],
  );
  assert.equal(groupRuns(chats, null)[0].continues, false);
  assert.deepEqual(groupRuns([], "Today"), []);
});

test("a step's icon is a Lucide name, nothing else", () => {
  for (const name of ["search", "database", "cpu", "a-arrow-down", "file-text-2"]) assert.ok(stepIcon(name), name);
  for (const name of ["", "Search", "x#y", "../x", "a b", "-a", "a-", "a--b", "javascript:x", null, undefined, 3, {}]) {
    assert.ok(!stepIcon(name), String(name));
  }
});

test("a command is typed as / and the start of its name, in any case", () => {
  const commands = [{ id: "Search" }, { id: "StickyButton" }, { id: "Sticky" }, { id: "Picture" }];
  assert.deepEqual(commandsMatching(commands, "/sear").map((command) => command.id), ["Search"]);
  assert.deepEqual(commandsMatching(commands, "/st").map((command) => command.id), ["StickyButton", "Sticky"]);
  assert.equal(commandsMatching(commands, "/").length, 4);
  assert.deepEqual(commandsMatching(commands, "/zzz"), []);
  for (const text of ["", "sear", "/sear ch", "hello /sear", " /sear"]) assert.equal(commandsMatching(commands, text), null, text);
});

test("a custom element's module is loaded only from this site or an http(s) URL", () => {
  for (const url of ["/static/elements/Counter.js", "/static/elements/Counter.1a2b.js", "https://cdn.example/elements/C.js"]) {
    assert.equal(moduleUrl(url), url);
  }
  for (const url of ["", "//evil.example/x.js", "javascript:alert(1)", "data:text/javascript,1", "/\\evil.example/x.js", "/a b.js", "http:/x", null, undefined, 42]) {
    assert.equal(moduleUrl(url), null, String(url));
  }
});
