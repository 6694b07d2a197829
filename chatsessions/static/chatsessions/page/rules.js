// The page's decisions that need no page: what a frame changes in the chat's state, what
// a close code means, how a step's time, a file's size and a code block are written.
// Pure functions of their arguments, unit-tested with Node (tests/js/); the other modules
// apply them to the page.

import { t } from "./i18n.js";

// The frames of one WebSocket message: one frame, or several (a JSON array, in order).
export const framesOf = (data) => (Array.isArray(data) ? data : [data]);

// What the page knows of its chat, beside what it shows.
export const initialChat = Object.freeze({
  sessionId: null,
  username: null, // the user's own messages say "You", replayed or not
  olderCursor: null, // where the replayed history starts, if older messages exist
  running: false,
  asking: null, // the question a handler waits on
});

// The chat's state after a frame (the frame reducer); frames that change no state return it.
export function reduce(chat, frame) {
  switch (frame.type) {
    case "session":
      return {
        ...chat,
        sessionId: frame.id,
        username: frame.user ?? null,
        olderCursor: frame.history_before ?? null,
        running: Boolean(frame.running),
        asking: frame.ask ?? null,
      };
    case "task":
      return { ...chat, running: frame.state === "start" };
    case "ask":
      return { ...chat, asking: frame };
    case "ask_end":
      return chat.asking && (!frame.for || chat.asking.for === frame.for) ? { ...chat, asking: null } : chat;
    default:
      return chat;
  }
}

// What the page does when its socket closes with code (CLOSE: the server's codes by name):
// forget the stored session or profile, say why, go to the login page, reconnect (after
// delay ms, growing with attempts, with jitter from random()), or start a new chat.
export function afterClose(code, CLOSE, attempts, random = Math.random) {
  switch (code) {
    case CLOSE.NOT_LOGGED_IN:
      return { state: "closed", text: t("Logged out"), login: true };
    case CLOSE.FORBIDDEN:
      return { forget: "session", notice: t("That chat cannot be resumed here; a new one starts."), reconnect: 0 };
    case CLOSE.RESUMED_ELSEWHERE:
      return { state: "closed", text: t("This chat continues in another tab.") };
    case CLOSE.ENDED_BY_SERVER:
      return {
        forget: "session",
        state: "closed",
        text: t("This chat was ended by the server. Start a new chat to go on."),
      };
    case CLOSE.BAD_START:
      return { forget: "profile", state: "closed", text: t("The chat could not start. Start a new chat to try again.") };
    case CLOSE.FORBIDDEN_ORIGIN:
      return { state: "closed", text: t("Chats cannot be opened from this address; the server's log says why.") };
    case CLOSE.UNKNOWN_APP:
    case CLOSE.APP_UNAVAILABLE:
      return { state: "closed", text: t("This chat app is not available.") };
    default: {
      const delay = Math.round(Math.min(30000, 500 * 2 ** attempts) * (0.8 + random() * 0.4));
      const text = t("Disconnected; reconnecting in %(seconds)s s…", { seconds: Math.round(delay / 1000) });
      return { state: "reconnecting", text, reconnect: delay };
    }
  }
}

// Who a message is shown from.
export const shownAuthor = (role, author, username) => (role === "user" && author === username ? t("You") : author);

// Text in a code block of language (a bare true shows it as plain text): the fence is
// longer than any run of backticks inside, so nothing in the text can close it.
export function fenced(text, language) {
  const fence = "`".repeat(Math.max(3, ...[...text.matchAll(/`+/g)].map((run) => run[0].length + 1)));
  return `${fence}${typeof language === "string" ? language : ""}\n${text}\n${fence}`;
}

// A step's time: running, in milliseconds under a second, else in seconds.
export function stepTime(start, end) {
  if (!end) return "running…";
  const seconds = (new Date(end) - new Date(start)) / 1000;
  return seconds < 1 ? `${Math.round(seconds * 1000)} ms` : `${seconds.toFixed(1)} s`;
}

export function sizeText(bytes) {
  if (typeof bytes !== "number") return "";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

// How an element is shown: inline as its type, or as a download link.
export const SHOWN_INLINE = new Set(["image", "pdf", "text", "plotly", "dataframe", "audio", "video", "custom"]);
export const shownAs = (element) => (SHOWN_INLINE.has(element.type) ? element.type : "download");

// The module a custom element is drawn by: a path of this site or an http(s) URL (the
// static files' own), never anything a browser would run otherwise.
export const moduleUrl = (url) => (typeof url === "string" && /^(\/(?!\/)|https?:\/\/)[^\\\s]*$/.test(url) ? url : null);

// The link that downloads a file: a file of this site's own is asked for as a download.
export const downloadUrl = (url) => url + (url.startsWith("/") && !url.includes("?") ? "?download=1" : "");

// A starter's icon is shown only from an http(s) URL or a path of the site.
export const safeIcon = (icon) => Boolean(icon) && /^(https?:\/\/|\/)/.test(icon);

// The chat list's day groups: a page of chats (newest first, each with its group) split
// into runs of one group; the first run continues the list's last group if it is the same.
export function groupRuns(chats, lastGroup = null) {
  const runs = [];
  for (const chat of chats) {
    const run = runs.at(-1);
    if (run && run.group === chat.group) run.chats.push(chat);
    else runs.push({ group: chat.group, chats: [chat], continues: !runs.length && chat.group === lastGroup });
  }
  return runs;
}

// A step's icon is a Lucide icon's name (as in Chainlit): lowercase words joined by dashes.
export const stepIcon = (name) => typeof name === "string" && /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(name);

// The commands that "/" and the start of a name typed in the composer match (any case),
// or null when the text is not a command being typed.
export function commandsMatching(commands, text) {
  const typed = /^\/(\S*)$/.exec(text);
  if (!typed) return null;
  const start = typed[1].toLowerCase();
  return commands.filter((command) => command.id.toLowerCase().startsWith(start));
}
