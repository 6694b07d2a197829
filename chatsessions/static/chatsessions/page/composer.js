// The composer: a message typed and sent, with the files attached by button, drag and
// drop or paste (uploaded at once to the chat; the message goes once they are in).

import { Attachments, showElements } from "./files.js";
import { starters } from "./interactive.js";
import { composed, sent, wireCommands } from "./commands.js";
import { elementOptions, messageElement, showCommand, showContent } from "./messages.js";
import { csrfToken, notice, page, root, send, ui } from "./shared.js";
import { t } from "./i18n.js";

let sendWhenUploaded = false;

export function sendMessage() {
  const content = ui.input.value;
  if (attachments?.uploading) {
    notice(t("Your files are still uploading; the message goes once they are done."), "info");
    sendWhenUploaded = true;
    return;
  }
  const files = attachments ? attachments.ready : [];
  if (!content.trim() && !files.length) return;
  if (!postMessage(content, composed(), files)) return;
  sent();
  ui.input.value = "";
  attachments?.clear();
}

// Sends a message of the user's and shows it: from the composer (with its command, modes
// and files), or from a custom element (sendUserMessage). Returns whether it went.
export function postMessage(content, fields = {}, files = []) {
  const id = crypto.randomUUID ? crypto.randomUUID().replaceAll("-", "") : String(Date.now()) + Math.random();
  const frame = { type: "message", id, content, ...fields };
  if (files.length) frame.files = files.map((file) => file.id);
  // Files that answer a question for files show with the question (the server sends
  // them back so); text typed beside them shows as a message.
  const answersFiles = files.length > 0 && page.chat.asking?.kind === "file";
  if (!send(frame)) return false;
  page.following = true;
  ui.jump.hidden = true;
  starters.hide();
  if (!answersFiles || content.trim()) {
    const item = messageElement(id, "user", t("You"));
    showContent(id, content);
    if (frame.command) showCommand(item, frame.command);
    if (files.length && !answersFiles) showElements(item, files, elementOptions);
  }
  return true;
}

export const attachments = ui.attach
  ? new Attachments(ui.attachments, {
      uploadUrl: (sessionId) => root.dataset.filesUrl.replace("00000000-0000-0000-0000-000000000000", sessionId),
      csrfToken,
      onChange() {
        if (attachments.uploading) return;
        if (attachments.failed) {
          sendWhenUploaded = false; // the user reads why, and removes or replaces the file
          return;
        }
        // A question for files is answered as soon as they are in; a message sent while
        // they uploaded goes now.
        if (sendWhenUploaded || (page.chat.asking?.kind === "file" && attachments.ready.length)) {
          sendWhenUploaded = false;
          sendMessage();
        }
      },
    })
  : null;

function attach(files) {
  if (!attachments || !files.length) return;
  if (!root.dataset.sessionId) {
    notice(t("Wait for the chat to connect, then attach your files."));
    return;
  }
  attachments.add(files, root.dataset.sessionId);
}

// Wires the composer's controls in: Enter sends, the button, paste and drop attach.
export function wireComposer() {
  wireCommands();
  ui.composer.addEventListener("submit", (event) => {
    event.preventDefault();
    sendMessage();
  });
  ui.input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      sendMessage();
    }
  });
  if (!attachments) return;
  ui.attach.addEventListener("click", () => ui.fileInput.click());
  ui.fileInput.addEventListener("change", () => {
    attach([...ui.fileInput.files]);
    ui.fileInput.value = "";
  });
  ui.input.addEventListener("paste", (event) => {
    const files = [...(event.clipboardData?.files || [])];
    if (files.length) {
      event.preventDefault();
      attach(files);
    }
  });
  let dragging = 0;
  const hasFiles = (event) => [...(event.dataTransfer?.types || [])].includes("Files");
  ui.chat.addEventListener("dragenter", (event) => {
    if (!hasFiles(event)) return;
    dragging += 1;
    ui.drop.hidden = false;
  });
  ui.chat.addEventListener("dragleave", () => {
    dragging = Math.max(dragging - 1, 0);
    if (!dragging) ui.drop.hidden = true;
  });
  ui.chat.addEventListener("dragover", (event) => {
    if (hasFiles(event)) event.preventDefault();
  });
  ui.chat.addEventListener("drop", (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    dragging = 0;
    ui.drop.hidden = true;
    attach([...event.dataTransfer.files]);
  });
}
