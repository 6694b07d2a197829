// Custom elements (cl.CustomElement): drawn by the project's own ES module, the static
// file elements/<name>.js that the server names as the element's url. Its default export
// is called with a root node and the element's API, named as Chainlit's JSX globals:
// props, updateElement, deleteElement, callAction, sendUserMessage, submitElement and
// cancelElement. Each sends a frame naming the element; the server checks that the chat
// shows it. A new props (from the server) draws the element again, from the start.

import { moduleUrl } from "./rules.js";
import { send, wired } from "./shared.js";

// The callAction calls waiting for their action_result frame, by call id.
const calls = new Map();

export function showCustom(box, element) {
  const root = document.createElement("div");
  root.className = `cs-custom ${element.display}-custom`;
  box.append(root);
  const failed = (error) => {
    const reason = document.createElement("span");
    reason.className = "cs-element-error";
    reason.textContent = `${element.name}: ${error.message || error}`;
    root.replaceChildren(reason);
  };
  const url = moduleUrl(element.url);
  if (!url) return failed(new Error("no module draws this element (elements/<name>.js among the static files)"));
  import(url).then((module) => {
    if (typeof module.default !== "function") throw new Error("its module has no default export to draw it");
    return module.default(root, api(element));
  }).catch(failed);
}

function api(element) {
  const ref = { id: element.id, for: element.for_id };
  const sent = (frame) => (send(frame) ? Promise.resolve() : Promise.reject(new Error("not connected")));
  return {
    props: structuredClone(element.props || {}),
    updateElement: (props) => sent({ type: "element_update", element: ref, props }),
    deleteElement: () => sent({ type: "element_delete", element: ref }),
    callAction: (action) => {
      const id = crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2);
      const frame = { type: "call_action", id, name: action.name, payload: action.payload || {}, from_element: ref };
      return sent(frame).then(() => new Promise((resolve, reject) => calls.set(id, { resolve, reject })));
    },
    sendUserMessage: (content, command) => wired.postMessage(content, { from_element: ref, ...(command ? { command } : {}) }),
    submitElement: (values) => sent({ type: "element_answer", element: ref, values }),
    cancelElement: () => sent({ type: "element_answer", element: ref, values: null }),
  };
}

// How a callAction ended: its promise gets what the callback returned, or fails.
export function actionResult(frame) {
  const call = calls.get(frame.id);
  if (!call) return;
  calls.delete(frame.id);
  if (frame.ok) call.resolve(frame.response);
  else call.reject(new Error("the action failed or was stopped"));
}

// Another chat shown (or this one again, after a reconnect): no result comes for the calls made.
export function forgetCalls() {
  for (const call of calls.values()) call.reject(new Error("the chat was left"));
  calls.clear();
}
