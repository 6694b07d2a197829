// The chat inside another page (an iframe: the copilot widget's, or any page's): the page
// and the chat talk by postMessage, and only with the origins the server allows
// (data-host-origins). What the host posts reaches @on_window_message; what a handler
// sends with send_window_message, and its CopilotFunction calls, go to the host. A call
// needs the widget's script on the host page (it says hello first); without it, the
// call is answered at once with an error.
//
// Embedded in another site's page (embed.loginUrl), the chat logs in with the token the
// widget's hello carries: traded at the server for the key every request then carries.
// A login refused is told to the widget ({chatsessions: "refused", detail}), which shows
// it; logged out later, the chat asks the widget for a new token ({chatsessions: "token"}).

import { embed, notice, root, send, setStatus, wired } from "./shared.js";
import { t } from "./i18n.js";

const allowed = (root.dataset.hostOrigins || "").split(" ").filter(Boolean);
const embedded = window.parent !== window;
let hostOrigin = null;
let hostHasWidget = false;

// The client the start frame names, and the page it is on.
export function client() {
  if (root.dataset.client !== "copilot") return { client: "webapp" };
  let shown = null;
  try {
    shown = JSON.parse(root.dataset.pageObject || "null");
  } catch {
    shown = null; // not JSON: the host passed nothing usable
  }
  return { client: "copilot", page: { url: root.dataset.pageUrl || null, object: shown } };
}

// The host's origin, if the server allows it: the frame's parent's (Chromium says it
// directly; other browsers through the referrer).
function originOfHost() {
  const ancestor = window.location.ancestorOrigins?.[0];
  let origin = ancestor || null;
  if (!origin && document.referrer) origin = new URL(document.referrer).origin;
  return origin && allowed.includes(origin) ? origin : null;
}

export function listenToHost() {
  if (!embedded) {
    if (embed.loginUrl) setStatus("closed", t("This chat opens in another site's page"));
    return;
  }
  hostOrigin = originOfHost();
  if (embed.loginUrl && !hostOrigin) setStatus("closed", t("This site may not embed the chat"));
  window.addEventListener("message", (event) => {
    // Only the parent page, from an allowed origin: another frame's or origin's post is dropped.
    if (event.source !== window.parent || !allowed.includes(event.origin)) return;
    hostOrigin = event.origin;
    const data = event.data;
    const ours = data && typeof data === "object" && typeof data.chatsessions === "string" ? data.chatsessions : null;
    if (ours === "hello") {
      hostHasWidget = true;
      if (embed.loginUrl && typeof data.token === "string") logIn(data.token, event.origin);
    } else if (ours === "call_fn_result") {
      send({ type: "call_fn_result", id: String(data.id), result: data.result ?? null, error: data.error ?? null });
    } else if (ours === "system_message") {
      send({ type: "message", content: String(data.content ?? ""), system: true });
    } else if (ours === null) send({ type: "window_message", data });
  });
}

// The chat is connected (a session frame came): the host's widget may post now.
export function announceReady() {
  if (embedded && hostOrigin) window.parent.postMessage({ chatsessions: "ready" }, hostOrigin);
}

// A handler's send_window_message: posted to the host, if it is an allowed one.
export function windowMessage(frame) {
  if (embedded && hostOrigin) window.parent.postMessage(frame.data, hostOrigin);
}

// A CopilotFunction call: the host's widget calls the function and posts the answer back.
export function callFunction(frame) {
  if (!embedded || !hostOrigin || !hostHasWidget) {
    send({ type: "call_fn_result", id: frame.id, error: "this chat is not in a page with chatsessions' widget" });
    return;
  }
  window.parent.postMessage({ chatsessions: "call_fn", id: frame.id, name: frame.name, args: frame.args }, hostOrigin);
}

export function callOver(frame) {
  if (embedded && hostOrigin) window.parent.postMessage({ chatsessions: "call_fn_over", id: frame.id }, hostOrigin);
}

// An embedded chat's login: resolves once the first token is traded for a key.
let loggedIn = null;
export const embedLogin = new Promise((resolve) => (loggedIn = resolve));
let relogging = false;

async function logIn(token, origin) {
  const response = await fetch(embed.loginUrl, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ token, origin }),
  }).catch(() => null);
  const answer = response ? await response.json().catch(() => ({})) : { detail: "the chat's server cannot be reached" };
  if (!response?.ok || typeof answer.key !== "string") {
    const detail = answer.detail || `HTTP ${response?.status}`;
    setStatus("closed", t("Not logged in"));
    notice(t("This chat cannot log you in: %(detail)s", { detail }));
    window.parent.postMessage({ chatsessions: "refused", detail }, origin);
    return;
  }
  embed.key = answer.key;
  if (relogging) {
    relogging = false;
    wired.connect();
  }
  loggedIn();
}

// Logged out (the key expired, or the user may no longer log in): a new token, once.
export function relogin() {
  if (relogging || !hostOrigin) {
    setStatus("closed", t("Logged out"));
    return;
  }
  relogging = true;
  embed.key = null;
  window.parent.postMessage({ chatsessions: "token" }, hostOrigin);
}
