// The task list (TaskList): the handler's tasks and their states, above the composer.

import { element, root } from "./shared.js";
import { t } from "./i18n.js";

const STATES = new Set(["ready", "running", "failed", "done"]);
const composer = root.querySelector(".cs-composer");

export function showTaskList(frame) {
  let panel = root.querySelector(".cs-tasklist");
  if (!panel) {
    panel = element("section", "cs-tasklist");
    panel.setAttribute("aria-label", t("Tasks"));
    panel.append(element("h2", "cs-tasklist-status"), element("ol", "cs-tasks"));
    composer.before(panel);
  }
  panel.dataset.id = frame.id;
  panel.querySelector(".cs-tasklist-status").textContent = frame.status;
  const tasks = panel.querySelector(".cs-tasks");
  tasks.replaceChildren(
    ...frame.tasks.map((task) => {
      const state = STATES.has(task.status) ? task.status : "ready";
      const item = element("li", `cs-task cs-task-${state}`);
      item.textContent = task.title;
      item.dataset.status = state;
      return item;
    }),
  );
}

export function removeTaskList(id) {
  const panel = root.querySelector(".cs-tasklist");
  if (panel && (!id || panel.dataset.id === id)) panel.remove();
}
