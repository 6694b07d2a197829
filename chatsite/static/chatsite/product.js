// The product page's side of its copilot: a function the chat may call (highlight), and
// the window messages the chat's handlers send, listed on the page.
await customElements.whenDefined("chat-widget"); // its module may load after this one
const widget = document.querySelector("chat-widget");
const product = document.querySelector(".product");

widget.registerFunction("highlight", ({ text }) => {
  const name = product.querySelector(".product-name");
  name.classList.add("highlighted");
  return `highlighted ${name.textContent}${text ? ` for "${text}"` : ""}`;
});

window.addEventListener("message", (event) => {
  if (event.origin !== location.origin || typeof event.data !== "string") return;
  const item = document.createElement("li");
  item.textContent = event.data;
  product.querySelector(".window-messages").append(item);
});
