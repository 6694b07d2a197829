// The socket: one WebSocket to the chat, each frame in handed to the handler of its type
// (as the server dispatches the client's), closes answered as rules.afterClose says.

import { setCommands, setModes } from "./commands.js";
import { announceReady, callFunction, callOver, client, windowMessage } from "./copilot.js";
import { actionResult, forgetCalls } from "./custom.js";
import { attachments } from "./composer.js";
import { applySettings, buildEnv, buildProfiles, buildSettings, readEnv } from "./forms.js";
import { hideAsk, showActions, showAsk, showFeedback, starters } from "./interactive.js";
import { elementOptions, removeMessage, showContent, showElementsOf, showMessage, showStep, stream } from "./messages.js";
import { afterClose as closeOutcome, framesOf, reduce } from "./rules.js";
import { applySidebar, close as closeSideView, openElement } from "./sideview.js";
import { removeTaskList, showTaskList } from "./tasklist.js";
import { removeElement } from "./files.js";
import {
  CLOSE,
  embed,
  findMessage,
  goToLogin,
  historyUrl,
  notice,
  page,
  root,
  setStatus,
  setTitle,
  showRunning,
  stored,
  ui,
} from "./shared.js";
import { chats } from "./sidebar.js";
import { t } from "./i18n.js";

let socket = null;
let attempts = 0;
let afterClose = null; // what to do when the socket we are closing has closed

export function connect() {
  setStatus("connecting", t("Connecting…"));
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  // An embedded chat's key rides in a subprotocol: a browser's socket sends no headers.
  const protocols = embed.key ? ["chatsessions", `chatsessions.key.${embed.key}`] : [];
  socket = new WebSocket(scheme + location.host + root.dataset.socketPath, protocols);
  socket.addEventListener("open", () => {
    socket.send(
      JSON.stringify({
        type: "start",
        profile: stored.get("profile"),
        env: readEnv(),
        resume: stored.get("session"),
        ...client(),
      }),
    );
  });
  socket.addEventListener("message", (event) => {
    for (const frame of framesOf(JSON.parse(event.data))) receive(frame);
  });
  socket.addEventListener("close", (event) => closed(event.code));
}

export function send(frame) {
  if (socket && socket.readyState === WebSocket.OPEN) {
    socket.send(JSON.stringify(frame));
    return true;
  }
  notice(t("Not connected; your message was not sent."));
  return false;
}

// What each frame the server sends does to the page, by its type; the chat's state
// changes first (rules.reduce), and the handler gets the state before the frame.
const shows = {
  window_message: windowMessage,
  call_fn: callFunction,
  call_fn_over: callOver,
  session(frame, before) {
    attempts = 0;
    stored.set("session", frame.id);
    ui.messages.replaceChildren();
    ui.messages.setAttribute("aria-busy", "false");
    closeSideView();
    removeTaskList();
    forgetCalls();
    setCommands(frame.commands);
    setModes(frame.modes);
    page.contents.clear();
    page.following = true;
    ui.jump.hidden = true;
    for (const shown of frame.history) (shown.type === "step" ? showStep : showMessage)(shown);
    starters.show(frame.resumed ? [] : frame.starters || [], frame.resumed ? [] : frame.starter_categories || []);
    ui.older.hidden = page.chat.olderCursor === null || !historyUrl;
    buildProfiles(frame.profiles, frame.chat_profile);
    page.shownName = frame.profiles.find((profile) => profile.name === frame.chat_profile)?.shown_name || "";
    buildSettings(frame.settings);
    applySettings(frame.chat_settings);
    buildEnv(frame.user_env);
    if (root.dataset.sessionId !== frame.id) attachments?.clear(); // uploaded to another chat
    root.dataset.sessionId = frame.id;
    if (ui.attach) ui.attach.disabled = false;
    setStatus("connected", frame.resumed ? t("Connected (resumed)") : t("Connected"));
    showRunning(Boolean(frame.running));
    hideAsk(before.asking);
    if (frame.ask) showAsk(frame.ask);
    chats.mark(frame.id);
    setTitle(frame.resumed ? ui.title.textContent : "");
    ui.input.focus();
    announceReady();
  },
  message(frame) {
    showMessage(frame);
    // As in Chainlit, a PDF displayed "side" opens the side view as it arrives.
    const sidePdf = frame.elements?.find((element) => element.display === "side" && element.type === "pdf");
    if (sidePdf) openElement(sidePdf, elementOptions);
  },
  sidebar: (frame) => applySidebar(frame, elementOptions),
  action_result: (frame) => actionResult(frame),
  commands: (frame) => setCommands(frame.commands),
  modes: (frame) => setModes(frame.modes),
  tasklist: (frame) => showTaskList(frame),
  remove_element(frame) {
    removeElement(frame.id);
    removeTaskList(frame.id);
  },
  stream: (frame) => stream(frame.id, frame.token, Boolean(frame.replace)),
  step: (frame) => showStep(frame),
  actions(frame) {
    const item = findMessage(frame.for);
    if (item) showActions(item, frame.actions);
  },
  elements(frame) {
    const item = findMessage(frame.for);
    if (item) showElementsOf(item, frame.elements);
  },
  ask(frame, before) {
    hideAsk(before.asking);
    showAsk(frame);
  },
  ask_end(frame, before) {
    if (!page.chat.asking) hideAsk(before.asking);
  },
  feedback(frame) {
    const item = findMessage(frame.for);
    if (item) showFeedback(item, frame);
  },
  update: (frame) => showContent(frame.id, frame.content),
  remove: (frame) => removeMessage(frame.id),
  task(frame) {
    showRunning(page.chat.running);
    // A first message titles the chat, and any turn makes it the newest: the list
    // shows that once it is written (no request while it is at the top already).
    if (frame.state === "end" && !chats.isNewest(root.dataset.sessionId)) chats.refreshSoon();
  },
  chat_settings(frame) {
    buildSettings(frame.settings);
    applySettings(frame.values);
  },
  settings(frame) {
    applySettings(frame.values);
    notice(t("Settings applied."), "info");
  },
  error: (frame) => notice(`${frame.detail} (${frame.code})`),
};

function receive(frame) {
  const before = page.chat;
  page.chat = reduce(before, frame);
  shows[frame.type]?.(frame, before);
}

function closed(code) {
  socket = null;
  if (afterClose) {
    const next = afterClose;
    afterClose = null;
    next();
    return;
  }
  const outcome = closeOutcome(code, CLOSE, attempts);
  if (outcome.forget) stored.set(outcome.forget, null);
  if (outcome.notice) notice(outcome.notice);
  if (outcome.state) setStatus(outcome.state, outcome.text);
  if (outcome.login) goToLogin();
  if (outcome.reconnect !== undefined) {
    if (outcome.reconnect) attempts += 1;
    setTimeout(connect, outcome.reconnect);
  }
}

// Closes the socket on purpose, then runs next: no reconnect loop in between.
export function restart(next) {
  if (socket && socket.readyState <= WebSocket.OPEN) {
    afterClose = next;
    socket.close(CLOSE.NORMAL);
  } else {
    next();
  }
}

// Ends the chat on screen (on_chat_end runs; it can be reopened from the list), then
// opens the chat resume names, or a new one. Resolves once the old socket has closed.
export function switchTo(resume) {
  return new Promise((resolve) => {
    const open = () => {
      stored.set("session", resume);
      delete root.dataset.sessionId;
      ui.messages.replaceChildren();
      ui.messages.setAttribute("aria-busy", "false");
      setTitle(resume ? chats.titleOf(resume) : "");
      resolve();
      connect();
    };
    if (socket && socket.readyState === WebSocket.OPEN && root.dataset.sessionId) {
      // The server runs on_chat_end and then closes the socket with CLOSE.NORMAL.
      afterClose = open;
      socket.send(JSON.stringify({ type: "end" }));
    } else {
      restart(open);
    }
  });
}
