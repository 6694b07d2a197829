// Chainlit's cypress/e2e/custom_element_command/public/elements/Commander.jsx as a
// chatsessions custom element (see Counter.js in custom_element).
export default function Commander(root, { sendUserMessage }) {
  const box = document.createElement("div");
  box.id = "custom-commander";
  const send = document.createElement("button");
  send.type = "button";
  send.id = "send";
  send.textContent = "Send with command";
  send.addEventListener("click", () => sendUserMessage("Hello from custom element", "my_command"));
  box.append(send);
  root.append(box);
}
