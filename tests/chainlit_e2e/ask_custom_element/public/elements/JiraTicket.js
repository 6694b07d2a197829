// Chainlit's cypress/e2e/ask_custom_element/public/elements/JiraTicket.jsx as a
// chatsessions custom element (see Counter.js in custom_element): a form whose Submit is
// enabled once the required fields are filled, with a countdown.
export default function JiraTicket(root, { props, submitElement, cancelElement }) {
  const make = (tag, attributes = {}, text) => {
    const made = Object.assign(document.createElement(tag), attributes);
    if (text !== undefined) made.textContent = text;
    return made;
  };
  const fields = props.fields || [];
  const values = Object.fromEntries(fields.map((field) => [field.id, field.value || ""]));
  const allValid = () => fields.every((field) => !field.required || (values[field.id] ?? "") !== "");

  const card = make("section", { id: "jira-ticket" });
  let timeLeft = props.timeout || 30;
  const description = make("p", {}, `Provide details for the new issue. ${timeLeft}s left`);
  card.append(make("h3", {}, "Create JIRA Ticket"), description);
  const timer = setInterval(() => {
    if (!root.isConnected) return clearInterval(timer); // the element went
    timeLeft = Math.max(timeLeft - 1, 0);
    description.textContent = `Provide details for the new issue. ${timeLeft}s left`;
  }, 1000);

  const submit = make("button", { type: "button", id: "ticket-submit" }, "Submit");
  const inputOf = (field) => {
    if (field.type === "textarea") return make("textarea");
    if (field.type === "select") {
      const select = make("select");
      for (const option of field.options || []) select.append(make("option", { value: option }, option));
      return select;
    }
    const types = { date: "date", datetime: "datetime-local" };
    return make("input", { type: types[field.type] || "text" });
  };
  for (const field of fields) {
    const label = make("label", { htmlFor: field.id }, field.label);
    if (field.required) label.append(make("span", { className: "required" }, "*"));
    const input = inputOf(field);
    input.id = field.id;
    input.value = values[field.id];
    input.addEventListener("input", () => {
      values[field.id] = input.value;
      submit.disabled = !allValid();
    });
    const row = make("div", { className: "field" });
    row.append(label, input);
    card.append(row);
  }
  submit.disabled = !allValid();
  submit.addEventListener("click", () => submitElement(values));
  const cancel = make("button", { type: "button", id: "ticket-cancel" }, "Cancel");
  cancel.addEventListener("click", () => cancelElement());
  card.append(cancel, submit);
  root.append(card);
}
