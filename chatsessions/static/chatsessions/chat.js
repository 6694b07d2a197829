// The chat page's client: speaks the chatsessions protocol over one WebSocket, and the
// history's JSON endpoints for the sidebar and for older messages. ES modules, no build
// step (page/): shared.js the page's elements and state, rules.js the pure decisions
// (tested with Node), socket.js the frames, messages.js, interactive.js, forms.js,
// files.js (with custom.js, the custom elements), composer.js and sidebar.js what they
// show. Markdown by the vendored marked, sanitised by DOMPurify, code highlighted by
// Prism. This module wires them together.

import { postMessage, sendMessage, wireComposer } from "./page/composer.js";
import { embedLogin, listenToHost, relogin } from "./page/copilot.js";
import { readSettings } from "./page/forms.js";
import { atBottom, follow, loadOlder } from "./page/messages.js";
import { embed, historyUrl, narrow, notice, page, root, send, stored, ui, wired } from "./page/shared.js";
import { chats, setSidebar } from "./page/sidebar.js";
import { connect, restart, send as sendFrame, switchTo } from "./page/socket.js";
import { t } from "./page/i18n.js";

Object.assign(wired, { send: sendFrame, sendMessage, postMessage, switchTo, connect, relogin });
wireComposer();
listenToHost();
if (embed.loginUrl) await embedLogin; // another site's page: its token first

// Escape stops a running reply, unless a dialog or a rename has it.
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && page.chat.running && !root.querySelector("dialog[open]") && !event.defaultPrevented) {
    send({ type: "stop" });
  }
});
ui.stop.addEventListener("click", () => send({ type: "stop" }));
ui.newChat.addEventListener("click", () => {
  if (narrow.matches) setSidebar(false);
  switchTo(null);
});
ui.profile.addEventListener("change", () => {
  stored.set("profile", ui.profile.value);
  switchTo(null);
});
ui.scroll.addEventListener("scroll", () => {
  page.following = atBottom();
  if (page.following) ui.jump.hidden = true;
  if (ui.scroll.scrollTop < 80) loadOlder();
});
ui.jump.addEventListener("click", () => {
  page.following = true;
  ui.jump.hidden = true;
  follow();
});
ui.loadOlder.addEventListener("click", loadOlder);

for (const [toggle, form] of [
  [ui.settingsToggle, ui.settings],
  [ui.envToggle, ui.env],
]) {
  const drawer = form.closest("dialog");
  toggle.addEventListener("click", () => drawer.showModal());
  form.querySelector(".cs-close").addEventListener("click", () => drawer.close());
}
ui.settings.addEventListener("submit", (event) => {
  event.preventDefault();
  send({ type: "settings", values: readSettings() });
  ui.settings.closest("dialog").close();
});
ui.env.addEventListener("submit", (event) => {
  event.preventDefault();
  const env = {};
  for (const input of ui.env.querySelectorAll("input[name]")) if (input.value) env[input.name] = input.value;
  stored.set("env", JSON.stringify(env));
  ui.env.closest("dialog").close();
  notice(t("Keys saved in this tab."), "info");
  // Resume the same chat so its handlers see the new env at once.
  restart(connect);
});

if (historyUrl) {
  setSidebar(!narrow.matches);
  ui.showSidebar.addEventListener("click", () => setSidebar(true));
  // On a phone the open list has a backdrop over the chat (the app's ::after): a tap on
  // it, which lands on the app itself, closes the list.
  root.addEventListener("click", (event) => {
    if (event.target === root && narrow.matches && root.dataset.sidebar === "open") setSidebar(false);
  });
  ui.hideSidebar.addEventListener("click", () => setSidebar(false));
  ui.moreChats.addEventListener("click", () => chats.more());
  ui.search.addEventListener("input", () => {
    chats.query = ui.search.value.trim();
    chats.refreshSoon(250);
  });
  chats.refresh();
} else {
  root.dataset.sidebar = "closed";
}
connect();
