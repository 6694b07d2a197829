// The conversation: messages (streamed, updated, replayed, older pages above) and steps.

import { editButton } from "./editing.js";
import { showElements } from "./files.js";
import { openElement } from "./sideview.js";
import { feedbackButtons, showActions, showFeedback } from "./interactive.js";
import { copyButton, decorateCode, renderMarkdown } from "./markdown.js";
import { fenced, shownAuthor, stepIcon, stepTime } from "./rules.js";
import {
  api,
  dateTimeFormat,
  element,
  findMessage,
  historyUrl,
  notice,
  page,
  root,
  timeFormat,
  ui,
} from "./shared.js";
import { t } from "./i18n.js";

const authorOf = (role, author) => shownAuthor(role, author, page.chat.username);

function buildMessage(id, role, author) {
  const item = element("li", `cs-message cs-${role === "notice" ? "notice-role" : role}`);
  item.dataset.id = id;
  const meta = element("div", "cs-meta");
  const who = element("span", "cs-author");
  meta.append(who, element("time", ""), copyButton(t("Copy message"), () => page.contents.get(id) || ""));
  if (role === "assistant") meta.append(feedbackButtons(id));
  if (role === "user") meta.append(editButton(id));
  item.append(meta, element("div", "cs-content"));
  if (author) who.textContent = who.title = authorOf(role, author);
  return item;
}

function setTime(item, created) {
  const time = item.querySelector("time");
  const moment = created ? new Date(created) : new Date();
  time.dateTime = moment.toISOString();
  time.textContent = timeFormat.format(moment);
  time.title = dateTimeFormat.format(moment);
}

export function messageElement(id, role, author) {
  let item = findMessage(id);
  if (!item) {
    item = buildMessage(id, role, author);
    setTime(item, null);
    ui.messages.append(item);
  } else if (author) {
    const who = item.querySelector(".cs-author");
    who.textContent = who.title = authorOf(role, author);
  }
  return item;
}

function render(item, text) {
  page.contents.set(item.dataset.id, text);
  const body = item.querySelector(".cs-content");
  body.innerHTML = renderMarkdown(text);
  decorateCode(body);
}

export function showContent(id, text) {
  const item = findMessage(id);
  if (item) render(item, text);
  follow();
}

// The list is a polite live region: busy while a reply streams, so that a screen reader
// announces the reply once, whole, and not each token.
function markBusy() {
  ui.messages.setAttribute("aria-busy", String(ui.messages.querySelector(".cs-streaming") !== null));
}

export function showMessage(frame) {
  const item = messageElement(frame.id, frame.role || "assistant", frame.author);
  item.classList.remove("cs-streaming");
  markBusy();
  item.classList.toggle("cs-error-message", Boolean(frame.is_error));
  if (frame.created) setTime(item, frame.created);
  showContent(frame.id, frame.content);
  decorate(item, frame);
}

// A token of a message; a sequence's token (replace) is the whole text so far.
function streamMessage(id, token, replace) {
  const item = messageElement(id, "assistant", null);
  item.classList.add("cs-streaming");
  markBusy();
  showContent(id, replace ? token : (page.contents.get(id) || "") + token);
}

export function removeMessage(id) {
  page.contents.delete(id);
  findMessage(id)?.remove();
  markBusy();
}

// What a message frame adds to the message: its elements, its buttons and the user's feedback.
export const elementOptions = {
  plotlySrc: root.dataset.plotlySrc,
  plotlyCss: root.dataset.plotlyCss,
  onResize: () => follow(),
  openElement,
};
// The command a user's message was sent with, before its text.
export function showCommand(item, command) {
  item.querySelector(":scope > .cs-command-span")?.remove();
  const span = element("span", "cs-command-span");
  span.textContent = command;
  item.querySelector(":scope > .cs-content").before(span);
}

function decorate(item, frame) {
  if (frame.command) showCommand(item, frame.command);
  if (frame.elements) showElements(item, frame.elements, elementOptions);
  if (frame.actions) showActions(item, frame.actions);
  if (frame.feedback) showFeedback(item, frame.feedback);
}

// Older messages go above the ones shown, the view staying on what the user reads.
function prependMessages(frames) {
  const older = document.createDocumentFragment();
  for (const frame of frames) {
    if (findMessage(frame.id)) continue;
    if (frame.type === "step") {
      showStep(frame, older);
      continue;
    }
    const item = buildMessage(frame.id, frame.role || "assistant", frame.author);
    item.classList.toggle("cs-error-message", Boolean(frame.is_error));
    setTime(item, frame.created);
    render(item, frame.content);
    decorate(item, frame);
    older.append(item);
  }
  const fromBottom = ui.scroll.scrollHeight - ui.scroll.scrollTop;
  ui.messages.prepend(older);
  ui.scroll.scrollTop = ui.scroll.scrollHeight - fromBottom;
}

export function follow() {
  if (page.following) ui.scroll.scrollTop = ui.scroll.scrollHeight;
  else ui.jump.hidden = false;
}

export function atBottom() {
  return ui.scroll.scrollHeight - ui.scroll.scrollTop - ui.scroll.clientHeight < 40;
}

let loadingOlder = false;
export async function loadOlder() {
  const sessionId = root.dataset.sessionId;
  if (loadingOlder || page.chat.olderCursor === null || !historyUrl || !sessionId) return;
  loadingOlder = true;
  try {
    const older = await api(`${historyUrl}${sessionId}/messages/?before=${page.chat.olderCursor}`);
    if (root.dataset.sessionId !== sessionId) return; // another chat opened meanwhile
    prependMessages(older.messages);
    page.chat = { ...page.chat, olderCursor: older.before };
    ui.older.hidden = older.before === null;
  } catch (error) {
    notice(t("Earlier messages cannot be loaded now (%(reason)s).", { reason: error.message }));
  } finally {
    loadingOlder = false;
  }
}

// A step is folded: its name, type and time; open, its input and output, and its steps.
// A step's icon: a Lucide icon's name, drawn from the vendored sprite.
const SVG = "http://www.w3.org/2000/svg";
function iconOf(name) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "cs-step-icon");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("viewBox", "0 0 24 24");
  const use = document.createElementNS(SVG, "use");
  use.setAttribute("href", `${root.dataset.iconsSrc}#${name}`);
  svg.append(use);
  return svg;
}

function buildStep(frame) {
  const item = element("li", "cs-step");
  item.dataset.id = frame.id;
  const details = element("details", "");
  const summary = element("summary", "");
  summary.append(element("span", "cs-step-name"), element("span", "cs-step-type"), element("span", "cs-step-time"));
  if (stepIcon(frame.icon)) summary.prepend(iconOf(frame.icon));
  details.append(
    summary,
    element("div", "cs-step-input cs-content"),
    element("div", "cs-step-output cs-content"),
    element("ol", "cs-step-children"),
  );
  details.open = Boolean(frame.default_open);
  item.append(details);
  return item;
}

// within: the list, or a page of older messages and steps not in it yet.
export function showStep(frame, within = ui.messages) {
  const find = (id) => findMessage(id) || within.querySelector?.(`[data-id="${CSS.escape(id)}"]`);
  let item = find(frame.id);
  if (!item) {
    item = buildStep(frame);
    const parent = frame.parent_id && find(frame.parent_id);
    (parent ? parent.querySelector(".cs-step-children") : within).append(item);
  }
  item.classList.toggle("cs-step-error", Boolean(frame.is_error));
  item.classList.toggle("cs-step-running", !frame.end);
  item.querySelector(".cs-step-name").textContent = frame.name;
  item.querySelector(".cs-step-type").textContent = frame.step_type === "undefined" ? "" : frame.step_type;
  item.querySelector(".cs-step-time").textContent = stepTime(frame.start, frame.end);
  const input = item.querySelector(".cs-step-input");
  const showInput = frame.show_input && frame.input;
  input.hidden = !showInput;
  if (showInput) input.innerHTML = renderMarkdown(fenced(frame.input, frame.show_input));
  item.dataset.language = frame.language || "";
  page.contents.set(frame.id, frame.output);
  renderStepOutput(item);
  showElementsOf(item, frame.elements);
  if (within === ui.messages) follow();
}

// The elements of a message (under its content) or of a step (under its output).
export function showElementsOf(item, elements) {
  const step = item.classList.contains("cs-step");
  showElements(item, elements, elementOptions, step ? item.querySelector(".cs-step-output") : undefined);
}

function renderStepOutput(item) {
  const output = item.querySelector(".cs-step-output");
  const text = page.contents.get(item.dataset.id) || "";
  const language = item.dataset.language;
  output.innerHTML = renderMarkdown(language ? fenced(text, language) : text);
  decorateCode(output);
}

// A token of a message or of a step's output.
export function stream(id, token, replace = false) {
  const item = findMessage(id);
  if (item && item.classList.contains("cs-step")) {
    page.contents.set(id, replace ? token : (page.contents.get(id) || "") + token);
    renderStepOutput(item);
    follow();
  } else {
    streamMessage(id, token, replace);
  }
}
