// The side view, a panel beside the chat, and the element view, a dialog over it: the
// elements a message shows by display "side" or "page" (behind a link with the element's
// name), and the handler's own sidebar (ElementSidebar: a title and elements).

import { showElement } from "./files.js";

const root = document.querySelector("[data-chatsessions]");
const panel = root.querySelector(".cs-side-view");
const title = panel.querySelector(".cs-side-view-title");
const content = panel.querySelector(".cs-side-view-content");
const dialog = root.querySelector(".cs-element-view");
let key = null; // the handler sidebar's key, if it gave one

panel.querySelector(".cs-close").addEventListener("click", () => close());
dialog.querySelector(".cs-close").addEventListener("click", () => dialog.close());

function open(heading, elements, options) {
  title.textContent = heading;
  content.replaceChildren(...elements.map((element) => showElement({ ...element, display: "inline" }, options)));
  panel.hidden = false;
}

export function close() {
  panel.hidden = true;
  content.replaceChildren();
  title.textContent = "";
  key = null;
}

// Shows an element of a message the way its display says: "side" in the panel, "page"
// in the dialog.
export function openElement(element, options) {
  if (element.display === "page") {
    dialog.querySelector(".cs-element-view-title").textContent = element.name;
    dialog.querySelector(".cs-element-view-content").replaceChildren(showElement({ ...element, display: "inline" }, options));
    dialog.showModal();
  } else {
    key = null;
    open(element.name, [element], options);
  }
}

// A sidebar frame of the handler's: a title opens the panel; elements fill it (none
// close it); elements under the key already shown change nothing.
export function applySidebar(frame, options) {
  if (typeof frame.title === "string") {
    title.textContent = frame.title;
    panel.hidden = false;
  }
  if (!Array.isArray(frame.elements)) return;
  if (!frame.elements.length) {
    close();
    return;
  }
  if (frame.key && frame.key === key && !panel.hidden) return;
  key = frame.key || null;
  open(title.textContent, frame.elements, options);
}
