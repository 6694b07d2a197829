// What a user does with a message besides reading it: action buttons, the question a
// handler waits on, thumbs up or down (with a comment), and the starters of an empty chat.

import { safeIcon } from "./rules.js";
import { findMessage, send, ui, wired } from "./shared.js";
import { t } from "./i18n.js";

export function showActions(item, actions) {
  let row = item.querySelector(":scope > .cs-actions-row");
  if (!row) {
    row = document.createElement("div");
    row.className = "cs-actions-row";
    item.append(row);
  }
  row.replaceChildren(
    ...actions.map((action) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "cs-action";
      button.textContent = action.label;
      button.title = action.tooltip || "";
      button.dataset.id = action.id;
      // The server knows the action by its id: its name and payload never leave it.
      button.addEventListener("click", () => send({ type: "action", id: action.id }));
      return button;
    }),
  );
  row.hidden = actions.length === 0;
}

// The question a handler waits on: a text one takes the next message as its answer.
const placeholder = ui.input.placeholder;

export function showAsk(frame) {
  findMessage(frame.for)?.classList.add("cs-asking");
  if (frame.kind === "text") {
    ui.input.placeholder = t("Your answer (Enter sends it)");
    ui.input.focus();
  } else if (frame.kind === "file" && ui.fileInput) {
    const wanted = frame.files || {};
    ui.fileInput.accept = (wanted.accept || []).join(",");
    ui.input.placeholder = t("Attach the file(s) asked for; they are sent once uploaded");
    const choose = document.createElement("button");
    choose.type = "button";
    choose.className = "cs-choose-files";
    choose.textContent =
      wanted.max_files > 1 ? t("Choose up to %(count)s files", { count: wanted.max_files }) : t("Choose a file");
    choose.title = `${(wanted.accept || []).join(", ")}, at most ${wanted.max_size_mb} MB each`;
    choose.addEventListener("click", () => ui.fileInput.click());
    findMessage(frame.for)?.append(choose);
  }
}

// Takes a question off the page (answered, ended, or another chat shown).
export function hideAsk(asking) {
  if (!asking) return;
  findMessage(asking.for)?.classList.remove("cs-asking");
  findMessage(asking.for)?.querySelector(":scope > .cs-choose-files")?.remove();
  if (ui.fileInput) ui.fileInput.accept = "";
  ui.input.placeholder = placeholder;
}

export function feedbackButtons(id) {
  const box = document.createElement("span");
  box.className = "cs-feedback";
  for (const [value, label] of [
    [1, t("Good answer")],
    [0, t("Bad answer")],
  ]) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = value ? "cs-thumb-up" : "cs-thumb-down";
    button.setAttribute("aria-label", label);
    button.title = label;
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", () => (value ? send({ type: "feedback", for: id, value }) : askComment(id)));
    box.append(button);
  }
  return box;
}

// Thumbs down asks what was wrong (optional) before it is sent.
function askComment(id) {
  const item = findMessage(id);
  if (!item || item.querySelector(".cs-comment")) return;
  const form = document.createElement("form");
  form.className = "cs-comment";
  const input = document.createElement("input");
  input.maxLength = 2000;
  input.placeholder = t("What was wrong? (optional)");
  input.setAttribute("aria-label", t("What was wrong with this answer?"));
  const submit = document.createElement("button");
  submit.textContent = t("Send feedback");
  form.append(input, submit);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (send({ type: "feedback", for: id, value: 0, comment: input.value })) form.remove();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      form.remove();
    }
  });
  item.append(form);
  input.focus();
}

export function showFeedback(item, given) {
  item.querySelector(".cs-thumb-up")?.setAttribute("aria-pressed", String(given.value === 1));
  item.querySelector(".cs-thumb-down")?.setAttribute("aria-pressed", String(given.value === 0));
  const down = item.querySelector(".cs-thumb-down");
  if (down) {
    down.title = given.value === 0 && given.comment ? t("Bad answer: %(comment)s", { comment: given.comment }) : t("Bad answer");
  }
}

// Suggested first messages, shown in an empty chat; a click sends one. Starters in
// categories sit behind a button per category, which shows or hides its own.
export const starters = {
  box: null,
  show(list, categories = []) {
    this.hide();
    if (!list.length && !categories.length) return;
    this.box = document.createElement("div");
    this.box.className = "cs-starters";
    for (const starter of list) this.box.append(starterButton(starter));
    if (categories.length) this.box.append(categoryBar(categories));
    ui.messages.before(this.box);
  },
  hide() {
    this.box?.remove();
    this.box = null;
  },
};

function withIcon(button, url) {
  if (!safeIcon(url)) return;
  const icon = document.createElement("img");
  icon.src = url;
  icon.alt = "";
  icon.addEventListener("error", () => icon.remove());
  button.append(icon);
}

function starterButton(starter) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "cs-starter";
  button.dataset.label = starter.label;
  withIcon(button, starter.icon);
  button.append(starter.label);
  button.title = starter.message;
  button.addEventListener("click", () => {
    ui.input.value = starter.message;
    wired.sendMessage();
  });
  return button;
}

function categoryBar(categories) {
  const bar = document.createElement("div");
  bar.className = "cs-starter-categories";
  const shown = document.createElement("div");
  shown.className = "cs-starters-shown";
  for (const category of categories) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "cs-starter-category";
    button.setAttribute("aria-pressed", "false");
    withIcon(button, category.icon);
    button.append(category.label);
    button.addEventListener("click", () => {
      const open = button.getAttribute("aria-pressed") !== "true";
      for (const other of bar.querySelectorAll(".cs-starter-category")) other.setAttribute("aria-pressed", "false");
      button.setAttribute("aria-pressed", String(open));
      shown.replaceChildren(...(open ? category.starters.map(starterButton) : []));
    });
    bar.append(button);
  }
  const wrapper = document.createElement("div");
  wrapper.className = "cs-starter-groups";
  wrapper.append(bar, shown);
  return wrapper;
}
