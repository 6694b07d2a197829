// The forms around a chat: its settings (the app's widgets), its profiles, and the env
// keys the app asks for (kept in this tab only).

import { stored, ui } from "./shared.js";

function field(labelText, control, description) {
  const label = document.createElement("label");
  label.className = "cs-field";
  const caption = document.createElement("span");
  caption.textContent = labelText;
  label.append(caption, control);
  if (description) {
    const hint = document.createElement("small");
    hint.textContent = description;
    label.append(hint);
  }
  return label;
}

// A slider shows its value beside it.
function withValue(slider) {
  const wrapper = document.createElement("span");
  const output = document.createElement("output");
  const show = () => (output.textContent = slider.value);
  slider.addEventListener("input", show);
  slider.addEventListener("change", show);
  wrapper.append(slider, output);
  return wrapper;
}

function settingControl(widget) {
  let control;
  if (widget.type === "select") {
    control = document.createElement("select");
    widget.values.forEach((value, index) => control.append(new Option(widget.labels?.[index] ?? value, value)));
  } else if (widget.type === "switch" || widget.type === "checkbox") {
    control = document.createElement("input");
    control.type = "checkbox";
  } else if (widget.type === "slider") {
    control = document.createElement("input");
    control.type = "range";
    Object.assign(control, { min: widget.min, max: widget.max, step: widget.step });
  } else if (widget.type === "number") {
    control = document.createElement("input");
    control.type = "number";
    control.step = "any";
    if (widget.min !== null) control.min = widget.min;
    if (widget.max !== null) control.max = widget.max;
  } else {
    control = document.createElement(widget.multiline ? "textarea" : "input");
    control.placeholder = widget.placeholder || "";
    control.maxLength = widget.max_length;
  }
  control.name = widget.id;
  control.dataset.kind = widget.type;
  control.disabled = Boolean(widget.disabled);
  return control;
}

export function buildSettings(schema) {
  const fields = ui.settings.querySelector(".cs-fields");
  fields.replaceChildren(
    ...schema.map((widget) => {
      const control = settingControl(widget);
      const shown = field(widget.label, widget.type === "slider" ? withValue(control) : control, widget.description);
      if (widget.tooltip) shown.title = widget.tooltip;
      return shown;
    }),
  );
  ui.settingsToggle.hidden = schema.length === 0;
}

export function applySettings(values) {
  for (const [id, value] of Object.entries(values)) {
    const control = ui.settings.elements.namedItem(id);
    if (!control) continue;
    if (control.type === "checkbox") control.checked = Boolean(value);
    else control.value = value === null ? "" : value;
    control.dispatchEvent(new Event("change"));
  }
}

export function readSettings() {
  const values = {};
  for (const control of ui.settings.querySelectorAll("[name]")) {
    const kind = control.dataset.kind;
    if (kind === "switch" || kind === "checkbox") values[control.name] = control.checked;
    else if (kind === "slider") values[control.name] = Number(control.value);
    else if (kind === "number") values[control.name] = control.value === "" ? null : Number(control.value);
    else values[control.name] = control.value;
  }
  return values;
}

export function readEnv() {
  try {
    return JSON.parse(stored.get("env") || "{}");
  } catch {
    return {};
  }
}

export function buildEnv(keys) {
  const env = readEnv();
  const fields = ui.env.querySelector(".cs-fields");
  fields.replaceChildren(
    ...keys.map((key) => {
      const input = document.createElement("input");
      input.type = "password";
      input.name = key;
      input.value = env[key] || "";
      return field(key, input);
    }),
  );
  ui.envToggle.hidden = keys.length === 0;
}

export function buildProfiles(profiles, current) {
  ui.profilePicker.hidden = profiles.length === 0;
  ui.profile.replaceChildren(...profiles.map((profile) => new Option(profile.name, profile.name)));
  ui.profile.value = current || "";
  const chosen = profiles.find((profile) => profile.name === current);
  ui.profile.title = chosen ? chosen.markdown_description : "";
}
