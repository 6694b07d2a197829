// What every module of the page shares: its elements, the server's codes, what the tab
// keeps, notices and status, the history API, and the chat's state (rules.js's reducer).

import { initialChat } from "./rules.js";
import { t } from "./i18n.js";

export const root = document.querySelector("[data-chatsessions]");
export const $ = (selector) => root.querySelector(selector);
export const app = root.dataset.app;
export const historyUrl = root.dataset.historyUrl; // empty for an anonymous visitor: no sidebar
// The server's close and error codes by name (chatsessions/wire/frames.py), so that no
// code is a bare number here.
export const CODES = JSON.parse(document.getElementById("chatsessions-codes").textContent);
export const CLOSE = CODES.close;
export const ui = {
  title: $(".cs-title"),
  status: $(".cs-status"),
  notices: $(".cs-notices"),
  scroll: $(".cs-scroll"),
  older: $(".cs-older"),
  loadOlder: $(".cs-load-older"),
  messages: $(".cs-messages"),
  jump: $(".cs-jump"),
  composer: $(".cs-composer"),
  input: $(".cs-input"),
  send: $(".cs-send"),
  stop: $(".cs-stop"),
  running: $(".cs-running"),
  newChat: $(".cs-new-chat"),
  profilePicker: $(".cs-profile-picker"),
  profile: $(".cs-profile"),
  settings: $(".cs-settings"),
  settingsToggle: $(".cs-toggle-settings"),
  env: $(".cs-env"),
  envToggle: $(".cs-toggle-env"),
  sidebar: $(".cs-sidebar"),
  showSidebar: $(".cs-show-sidebar"),
  hideSidebar: $(".cs-hide-sidebar"),
  search: $(".cs-search"),
  chatList: $(".cs-chat-list"),
  listEmpty: $(".cs-list-empty"),
  moreChats: $(".cs-more-chats"),
  confirm: $(".cs-confirm"),
  attach: $(".cs-attach"), // absent for an anonymous visitor: no uploads
  fileInput: $(".cs-file-input"),
  attachments: $(".cs-attachments"),
  drop: $(".cs-drop"),
  chat: $(".cs-chat"),
};
export const narrow = window.matchMedia("(max-width: 700px)");

// The page's mutable state, in one place: the chat's (rules.reduce), the Markdown source
// of each message (for streaming and copying), and whether the view follows new text
// (it does while the user is at the bottom; scrolled up, it stays put).
export const page = { chat: initialChat, contents: new Map(), following: true };

// The functions a module calls but another one provides, set once by chat.js: the
// socket's send, the composer's sendMessage and postMessage (a custom element sends a
// message through it), and switchTo (the chat list opens a chat).
// An embedded chat's (copilot.js) connect and relogin too.
export const wired = { send: null, sendMessage: null, postMessage: null, switchTo: null, connect: null, relogin: null };
export const send = (frame) => wired.send(frame);

// What survives a reload of this tab (the session to resume, the chosen profile, the env)
// is kept in sessionStorage; where the browser denies it (a frame on another site's page,
// with third-party storage blocked), in this page's memory: a reload starts a new chat.
const memory = new Map();
const tabStorage = (() => {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
})();
export const stored = {
  key: (name) => `chatsessions:${app}:${name}`,
  get(name) {
    return tabStorage ? tabStorage.getItem(this.key(name)) : (memory.get(this.key(name)) ?? null);
  },
  set(name, value) {
    const gone = value === null || value === undefined;
    if (tabStorage) {
      if (gone) tabStorage.removeItem(this.key(name));
      else tabStorage.setItem(this.key(name), value);
    } else if (gone) memory.delete(this.key(name));
    else memory.set(this.key(name), value);
  },
};

export const element = (tag, className) => Object.assign(document.createElement(tag), { className });
export const findMessage = (id) => ui.messages.querySelector(`[data-id="${CSS.escape(id)}"]`);
export const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
export const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

const MAX_NOTICES = 3;
export function notice(text, kind = "error") {
  const note = document.createElement("p");
  note.className = `cs-notice cs-${kind}`;
  note.setAttribute("role", kind === "error" ? "alert" : "status");
  note.textContent = text;
  ui.notices.append(note);
  while (ui.notices.children.length > MAX_NOTICES) ui.notices.firstElementChild.remove();
  note.addEventListener("animationend", () => note.remove());
}

export function setStatus(state, text) {
  ui.status.dataset.state = state;
  ui.status.textContent = text;
  const open = state === "connected";
  ui.input.disabled = !open;
  ui.send.disabled = !open;
  if (!open) showRunning(false);
}

// Shows whether a handler runs (the chat's state says so; see rules.reduce).
export function showRunning(value) {
  page.chat = { ...page.chat, running: value };
  ui.composer.dataset.running = String(value);
  ui.stop.hidden = !value;
  ui.running.hidden = !value;
}

export function setTitle(title) {
  ui.title.textContent = title || t("New chat");
  // A profile's config overrides may name its chats (ui.name): that, else the app's name.
  document.title = `${title || t("New chat")} · ${page.shownName || app}`;
}

// A chat embedded in another site's page (copilot.js) has no cookie of this site: it logs
// in with the token its host hands it, and every request carries the key that buys
// (embed.key). Logged out, it asks its host for a new token rather than for a password.
export const embed = { loginUrl: root.dataset.embedLoginUrl || "", key: null };
export const keyHeaders = () => (embed.key ? { Authorization: `Bearer ${embed.key}` } : {});

export const goToLogin = () => {
  if (embed.loginUrl) wired.relogin();
  else location.assign(`${root.dataset.loginUrl}?next=${encodeURIComponent(location.pathname)}`);
};

export const csrfToken = () => (document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/) || [])[1] || "";

// The history's JSON endpoints: a logged-out user goes to the login page; a refusal
// throws with the server's detail.
export async function api(url, options = {}) {
  const headers = { Accept: "application/json", ...keyHeaders(), ...(options.headers || {}) };
  if (options.method && options.method !== "GET") {
    headers["X-CSRFToken"] = csrfToken();
    headers["Content-Type"] = "application/json";
  }
  const response = await fetch(url, { credentials: "same-origin", ...options, headers });
  if (response.status === 401) {
    goToLogin();
    throw new Error("logged out");
  }
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw new Error(problem.detail || `HTTP ${response.status}`);
  }
  return response.status === 204 ? null : response.json();
}
