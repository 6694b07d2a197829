// Editing a sent message of the user's: the chat goes on from the edited text (the server
// drops the messages after it and runs the handler again), as in Chainlit.

import { element, page, send } from "./shared.js";
import { t } from "./i18n.js";

export function editButton(id) {
  const button = element("button", "cs-edit-message");
  button.type = "button";
  button.setAttribute("aria-label", t("Edit message"));
  button.title = t("Edit message");
  button.addEventListener("click", () => startEditing(button.closest(".cs-message"), id));
  return button;
}

function startEditing(item, id) {
  if (!item || item.querySelector(".cs-edit-form")) return;
  const content = item.querySelector(".cs-content");
  const form = element("form", "cs-edit-form");
  const input = element("textarea", "cs-edit-input");
  input.value = page.contents.get(id) ?? content.textContent;
  input.rows = Math.min(8, input.value.split("\n").length + 1);
  input.setAttribute("aria-label", t("Edited message"));
  const save = element("button", "cs-confirm-edit");
  save.type = "submit";
  save.textContent = t("Send");
  const cancel = element("button", "cs-cancel-edit");
  cancel.type = "button";
  cancel.textContent = t("Cancel");
  const actions = element("div", "cs-actions");
  actions.append(cancel, save);
  form.append(input, actions);
  const stop = () => {
    form.remove();
    content.hidden = false;
  };
  cancel.addEventListener("click", stop);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") stop();
    else if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!input.value.trim()) return;
    if (send({ type: "edit", id, content: input.value })) stop();
  });
  content.hidden = true;
  content.after(form);
  input.focus();
}
