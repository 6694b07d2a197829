// Markdown, safely, with highlighted code: the vendored marked parses, DOMPurify
// sanitises, Prism highlights (all three loaded before the page's modules).

import { notice } from "./shared.js";
import { t } from "./i18n.js";

const escapeHtml = (text) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const markdown = window.marked.marked || window.marked;
// Raw HTML in a message is shown as text, never parsed as HTML.
markdown.use({ renderer: { html: ({ text }) => escapeHtml(text) } });
window.DOMPurify.addHook("afterSanitizeAttributes", (node) => {
  if (node.tagName === "A") {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer nofollow");
  }
});

export const renderMarkdown = (text) =>
  window.DOMPurify.sanitize(markdown.parse(text, { async: false, gfm: true, breaks: true }), {
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|#)/i,
    FORBID_TAGS: ["style", "form", "input", "button", "textarea", "select", "iframe", "img"],
    FORBID_ATTR: ["style"],
  });

export function copyButton(label, text) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "cs-copy";
  button.setAttribute("aria-label", label);
  button.title = label;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(text());
      button.dataset.copied = "";
      setTimeout(() => delete button.dataset.copied, 1500);
    } catch {
      notice(t("The browser did not allow copying."));
    }
  });
  return button;
}

// Highlights a message's code blocks and gives each a copy button. A block still
// streaming is highlighted again with each token: Prism is fast on a message's code.
export function decorateCode(body) {
  for (const pre of body.querySelectorAll("pre")) {
    const code = pre.querySelector("code");
    if (code && window.Prism) {
      const language = (code.className.match(/language-([\w-]+)/) || [])[1];
      if (language && window.Prism.languages[language]) window.Prism.highlightElement(code);
    }
    const wrapper = document.createElement("div");
    wrapper.className = "cs-code";
    pre.replaceWith(wrapper);
    wrapper.append(pre, copyButton(t("Copy code"), () => pre.textContent));
  }
}
