// The composer's commands and modes, as the handler offers them (Chainlit's): a command
// is picked by its button, from the tools menu, or by typing "/" and its name, and goes
// with the next message (a persistent one stays picked); each mode is a picker whose
// option goes with every message.

import { commandsMatching } from "./rules.js";
import { element, ui } from "./shared.js";
import { t } from "./i18n.js";

const tools = element("div", "cs-tools");
const menu = element("ul", "cs-command-menu");
menu.setAttribute("role", "listbox");
menu.setAttribute("aria-label", t("Commands"));
menu.hidden = true;
ui.composer.prepend(tools, menu);

let offered = [];
let chosen = null;
let modes = [];
const picked = new Map(); // mode id: option id

export function setCommands(list) {
  offered = Array.isArray(list) ? list : [];
  if (chosen && !offered.some((command) => command.id === chosen.id)) chosen = null;
  closeMenu();
  render();
}

export function setModes(list) {
  modes = Array.isArray(list) ? list : [];
  for (const id of [...picked.keys()]) if (!modes.some((mode) => mode.id === id)) picked.delete(id);
  render();
}

// What the next message carries: the picked command, and each mode's option.
export function composed() {
  const frame = {};
  if (chosen) frame.command = chosen.id;
  if (modes.length) frame.modes = Object.fromEntries(modes.map((mode) => [mode.id, optionOf(mode)]).filter(([, option]) => option));
  return frame;
}

// After a message went: a command that is not persistent is picked no more.
export function sent() {
  if (chosen && !chosen.persistent) chosen = null;
  render();
}

function optionOf(mode) {
  const options = mode.options || [];
  const kept = picked.get(mode.id);
  if (options.some((option) => option.id === kept)) return kept;
  return (options.find((option) => option.default) || options[0])?.id;
}

function choose(command) {
  chosen = chosen?.id === command.id ? null : command;
  closeMenu();
  render();
  ui.input.focus();
}

function render() {
  const parts = [];
  for (const command of offered.filter((item) => item.button)) {
    const pill = element("button", "cs-command-button");
    pill.type = "button";
    pill.dataset.id = command.id;
    pill.textContent = command.id;
    pill.title = command.description;
    pill.setAttribute("aria-pressed", String(chosen?.id === command.id));
    pill.addEventListener("click", () => choose(command));
    parts.push(pill);
  }
  if (offered.length) {
    const toggle = element("button", "cs-commands-toggle");
    toggle.type = "button";
    toggle.textContent = t("Tools");
    toggle.setAttribute("aria-expanded", String(!menu.hidden));
    toggle.addEventListener("click", () => (menu.hidden ? openMenu(offered) : closeMenu()));
    parts.push(toggle);
  }
  if (chosen && !chosen.button) {
    const chip = element("button", "cs-command-chosen");
    chip.type = "button";
    chip.textContent = chosen.id;
    chip.title = `${chosen.description} (click to drop it)`;
    chip.addEventListener("click", () => choose(chosen));
    parts.push(chip);
  }
  for (const mode of modes) {
    const label = element("label", "cs-mode");
    label.append(mode.name, " ");
    const select = element("select", "");
    select.name = mode.id;
    for (const option of mode.options || []) {
      const shown = new Option(option.name, option.id);
      shown.title = option.description || "";
      select.append(shown);
    }
    select.value = optionOf(mode) || "";
    select.addEventListener("change", () => picked.set(mode.id, select.value));
    label.append(select);
    parts.push(label);
  }
  tools.replaceChildren(...parts);
  tools.hidden = parts.length === 0;
}

function openMenu(list) {
  menu.replaceChildren(
    ...list.map((command, index) => {
      const item = element("li", "cs-command-item");
      item.setAttribute("role", "option");
      item.dataset.index = String(index);
      item.dataset.id = command.id;
      item.append(element("strong", ""), element("span", ""));
      item.firstChild.textContent = command.id;
      item.lastChild.textContent = command.description;
      item.addEventListener("mousedown", (event) => event.preventDefault()); // keeps the input's focus
      item.addEventListener("click", () => {
        if (ui.input.value.startsWith("/")) ui.input.value = "";
        choose(command);
      });
      return item;
    }),
  );
  menu.hidden = list.length === 0;
  render();
}

function closeMenu() {
  menu.hidden = true;
  menu.replaceChildren();
}

// Typing "/" and the start of a command's name lists the commands it matches; Enter
// picks the first.
export function wireCommands() {
  ui.input.addEventListener("input", () => {
    const matching = commandsMatching(offered, ui.input.value);
    if (matching === null) closeMenu();
    else openMenu(matching);
  });
  ui.input.addEventListener(
    "keydown",
    (event) => {
      if (menu.hidden) return;
      if (event.key === "Escape") closeMenu();
      if (event.key === "Enter" && !event.shiftKey && menu.firstChild) {
        event.preventDefault();
        event.stopImmediatePropagation(); // picks a command, sends nothing
        menu.firstChild.click();
      }
    },
    { capture: true },
  );
}
