// The chat list (the sidebar): the user's chats by day, searchable and paged, each one
// opened, renamed or deleted through the history's JSON endpoints.

import { groupRuns } from "./rules.js";
import { api, dateTimeFormat, historyUrl, narrow, notice, root, setTitle, ui, wired } from "./shared.js";
import { t } from "./i18n.js";

const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";

export const chats = {
  titles: new Map(), // chat id -> title, of the chats listed
  next: null,
  query: "",
  timer: null,
  generation: 0, // a newer refresh makes an older one's answer void

  url(cursor) {
    const params = new URLSearchParams();
    if (this.query) params.set("q", this.query);
    if (zone) params.set("tz", zone);
    if (cursor) params.set("cursor", cursor);
    return `${historyUrl}?${params}`;
  },

  async refresh() {
    if (!historyUrl) return;
    const generation = ++this.generation;
    ui.chatList.setAttribute("aria-busy", "true");
    try {
      const page = await api(this.url(null));
      if (generation !== this.generation) return;
      ui.chatList.replaceChildren();
      this.titles.clear();
      this.add(page);
    } catch (error) {
      notice(t("Your chats cannot be listed now (%(reason)s).", { reason: error.message }));
    } finally {
      if (generation === this.generation) ui.chatList.setAttribute("aria-busy", "false");
    }
  },

  refreshSoon(delay = 400) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), delay);
  },

  async more() {
    if (!this.next) return;
    const generation = this.generation;
    try {
      const page = await api(this.url(this.next));
      if (generation === this.generation) this.add(page);
    } catch (error) {
      notice(t("Your chats cannot be listed now (%(reason)s).", { reason: error.message }));
    }
  },

  add(page) {
    const last = ui.chatList.lastElementChild;
    for (const run of groupRuns(page.chats, last?.dataset.group ?? null)) {
      let group = last;
      if (!run.continues) {
        group = document.createElement("section");
        group.dataset.group = run.group;
        const heading = document.createElement("h3");
        heading.textContent = run.group;
        group.append(heading, document.createElement("ul"));
        ui.chatList.append(group);
      }
      for (const chat of run.chats) {
        group.querySelector("ul").append(this.item(chat));
        this.titles.set(chat.id, chat.title);
      }
    }
    this.next = page.next;
    ui.moreChats.hidden = !page.next;
    ui.listEmpty.hidden = ui.chatList.childElementCount > 0;
    ui.listEmpty.textContent = this.query ? t("No chat matches.") : t("No chats yet.");
    this.mark(root.dataset.sessionId);
  },

  item(chat) {
    const item = document.createElement("li");
    item.className = "cs-chat-item";
    item.dataset.id = chat.id;
    const link = document.createElement("a");
    link.className = "cs-chat-link";
    link.href = `#${chat.id}`;
    link.textContent = chat.title;
    link.title = `${chat.title}\n${dateTimeFormat.format(new Date(chat.last_activity_at))}`;
    link.addEventListener("click", (event) => {
      event.preventDefault();
      this.open(chat.id);
    });
    const rename = document.createElement("button");
    rename.type = "button";
    rename.className = "cs-rename";
    rename.setAttribute("aria-label", t("Rename “%(title)s”", { title: chat.title }));
    rename.addEventListener("click", () => this.rename(item));
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "cs-delete";
    remove.setAttribute("aria-label", t("Delete “%(title)s”", { title: chat.title }));
    remove.addEventListener("click", () => this.remove(item));
    item.append(link, rename, remove);
    return item;
  },

  // Shows which chat is open, and its title above the conversation.
  mark(sessionId) {
    for (const item of ui.chatList.querySelectorAll(".cs-chat-item")) {
      item.setAttribute("aria-current", String(item.dataset.id === sessionId));
    }
    if (sessionId && this.titles.has(sessionId)) setTitle(this.titles.get(sessionId));
  },

  isNewest(sessionId) {
    return !this.query && ui.chatList.querySelector(".cs-chat-item")?.dataset.id === sessionId;
  },

  titleOf(sessionId) {
    return this.titles.get(sessionId) || "";
  },

  open(sessionId) {
    if (narrow.matches) setSidebar(false);
    if (sessionId !== root.dataset.sessionId) wired.switchTo(sessionId);
  },

  rename(item) {
    const link = item.querySelector(".cs-chat-link");
    const input = document.createElement("input");
    input.value = this.titleOf(item.dataset.id);
    input.maxLength = 200;
    input.setAttribute("aria-label", t("New title"));
    link.replaceWith(input);
    input.focus();
    input.select();
    let done = false;
    const finish = async (save) => {
      if (done) return;
      done = true;
      const title = input.value.trim();
      input.replaceWith(link);
      if (!save || !title || title === this.titleOf(item.dataset.id)) return;
      try {
        const chat = await api(`${historyUrl}${item.dataset.id}/`, {
          method: "PATCH",
          body: JSON.stringify({ title }),
        });
        link.textContent = chat.title;
        this.titles.set(chat.id, chat.title);
        this.mark(root.dataset.sessionId);
      } catch (error) {
        notice(t("The chat cannot be renamed (%(reason)s).", { reason: error.message }));
      }
    };
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        finish(true);
      } else if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        finish(false);
      }
    });
    input.addEventListener("blur", () => finish(true));
  },

  remove(item) {
    const sessionId = item.dataset.id;
    ui.confirm.querySelector(".cs-confirm-title").textContent = this.titleOf(sessionId);
    ui.confirm.returnValue = "";
    ui.confirm.addEventListener(
      "close",
      async () => {
        if (ui.confirm.returnValue !== "delete") return;
        try {
          // The chat on screen ends first, so that its socket is not closed under it.
          if (sessionId === root.dataset.sessionId) await wired.switchTo(null);
          await api(`${historyUrl}${sessionId}/`, { method: "DELETE" });
          this.refresh();
        } catch (error) {
          notice(t("The chat cannot be deleted (%(reason)s).", { reason: error.message }));
        }
      },
      { once: true },
    );
    ui.confirm.showModal();
  },
};

export function setSidebar(open) {
  root.dataset.sidebar = open ? "open" : "closed";
  ui.showSidebar?.setAttribute("aria-expanded", String(open));
  ui.hideSidebar?.setAttribute("aria-expanded", String(open));
}
