// Chainlit's cypress/e2e/custom_element/public/elements/Counter.jsx as a chatsessions
// custom element: an ES module whose default export draws the element into root, with
// the API Chainlit's JSX gets as globals (props, updateElement, callAction, ...).
export default function Counter(root, { props, updateElement, deleteElement, callAction }) {
  const box = document.createElement("div");
  box.id = "custom-counter";
  const count = document.createElement("div");
  count.textContent = `Count: ${props.count}`;
  box.append(count);
  if (props.loading) box.append("Loading...");
  const button = (id, label, onClick) => {
    const made = document.createElement("button");
    made.type = "button";
    made.id = id;
    made.textContent = label;
    made.addEventListener("click", onClick);
    box.append(made);
  };
  button("increment", "Increment", () => updateElement(Object.assign(props, { count: props.count + 1 })));
  button("action", "Run test action", async () => {
    await updateElement(Object.assign(props, { loading: true }));
    await callAction({ name: "test", payload: {} });
    await updateElement(Object.assign(props, { loading: false }));
  });
  button("remove", "Remove", deleteElement);
  root.append(box);
}
