// The chat page's client: speaks the chatsessions protocol over one WebSocket.
// Plain JavaScript, no build step; Markdown by the vendored marked, sanitised by DOMPurify.
(function () {
  "use strict";

  const root = document.querySelector("[data-chatsessions]");
  if (!root) return;
  const $ = (selector) => root.querySelector(selector);
  const app = root.dataset.app;
  // The server's close and error codes by name (chatsessions/frames.py), so that no code
  // is a bare number here.
  const CODES = JSON.parse(document.getElementById("chatsessions-codes").textContent);
  const CLOSE = CODES.close;
  const ui = {
    status: $(".cs-status"),
    notices: $(".cs-notices"),
    messages: $(".cs-messages"),
    composer: $(".cs-composer"),
    input: $(".cs-input"),
    send: $(".cs-send"),
    stop: $(".cs-stop"),
    running: $(".cs-running"),
    newChat: $(".cs-new-chat"),
    profilePicker: $(".cs-profile-picker"),
    profile: $(".cs-profile"),
    settings: $(".cs-settings"),
    settingsToggle: $(".cs-toggle-settings"),
    env: $(".cs-env"),
    envToggle: $(".cs-toggle-env"),
  };

  // What survives a reload of this tab: the session to resume, the chosen profile, the env.
  const stored = {
    key: (name) => `chatsessions:${app}:${name}`,
    get(name) {
      return sessionStorage.getItem(this.key(name));
    },
    set(name, value) {
      if (value === null || value === undefined) sessionStorage.removeItem(this.key(name));
      else sessionStorage.setItem(this.key(name), value);
    },
  };

  // -- Markdown, safely ------------------------------------------------------------------

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
  const renderMarkdown = (text) =>
    window.DOMPurify.sanitize(markdown.parse(text, { async: false, gfm: true, breaks: true }), {
      ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|#)/i,
      FORBID_TAGS: ["style", "form", "input", "button", "textarea", "select", "iframe", "img"],
      FORBID_ATTR: ["style"],
    });

  // -- Messages --------------------------------------------------------------------------

  const contents = new Map(); // message id -> its Markdown source, for streaming

  function messageElement(id, role, author) {
    let item = ui.messages.querySelector(`[data-id="${CSS.escape(id)}"]`);
    if (!item) {
      item = document.createElement("li");
      item.className = `cs-message cs-${role}`;
      item.dataset.id = id;
      const who = document.createElement("div");
      who.className = "cs-author";
      const body = document.createElement("div");
      body.className = "cs-content";
      item.append(who, body);
      ui.messages.append(item);
    }
    if (author) item.querySelector(".cs-author").textContent = author;
    return item;
  }

  function showContent(id, text) {
    contents.set(id, text);
    const item = ui.messages.querySelector(`[data-id="${CSS.escape(id)}"]`);
    if (item) item.querySelector(".cs-content").innerHTML = renderMarkdown(text);
    ui.messages.scrollTop = ui.messages.scrollHeight;
  }

  function showMessage(frame) {
    const item = messageElement(frame.id, frame.role || "assistant", frame.author);
    item.classList.remove("cs-streaming");
    if (frame.created) item.title = new Date(frame.created).toLocaleString();
    showContent(frame.id, frame.content);
  }

  // -- Notices and state -----------------------------------------------------------------

  function notice(text, kind = "error") {
    const note = document.createElement("p");
    note.className = `cs-notice cs-${kind}`;
    note.setAttribute("role", kind === "error" ? "alert" : "status");
    note.textContent = text;
    ui.notices.append(note);
    setTimeout(() => note.remove(), 8000);
  }

  function setStatus(state, text) {
    ui.status.dataset.state = state;
    ui.status.textContent = text;
    const open = state === "connected";
    ui.input.disabled = !open;
    ui.send.disabled = !open;
    if (!open) setRunning(false);
  }

  function setRunning(running) {
    ui.composer.dataset.running = String(running);
    ui.stop.hidden = !running;
    ui.running.hidden = !running;
  }

  // -- Settings, profiles and env forms ----------------------------------------------------

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
    wrapper.refresh = show;
    return wrapper;
  }

  function settingControl(widget) {
    let control;
    if (widget.type === "select") {
      control = document.createElement("select");
      for (const value of widget.values) control.append(new Option(value, value));
    } else if (widget.type === "switch") {
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
    return control;
  }

  function buildSettings(schema) {
    const fields = ui.settings.querySelector(".cs-fields");
    fields.replaceChildren(
      ...schema.map((widget) => {
        const control = settingControl(widget);
        return field(widget.label, widget.type === "slider" ? withValue(control) : control, widget.description);
      }),
    );
    ui.settingsToggle.hidden = schema.length === 0;
    if (schema.length === 0) ui.settings.hidden = true;
  }

  function applySettings(values) {
    for (const [id, value] of Object.entries(values)) {
      const control = ui.settings.elements.namedItem(id);
      if (!control) continue;
      if (control.type === "checkbox") control.checked = Boolean(value);
      else control.value = value === null ? "" : value;
      control.dispatchEvent(new Event("change"));
    }
  }

  function readSettings() {
    const values = {};
    for (const control of ui.settings.querySelectorAll("[name]")) {
      const kind = control.dataset.kind;
      if (kind === "switch") values[control.name] = control.checked;
      else if (kind === "slider") values[control.name] = Number(control.value);
      else if (kind === "number") values[control.name] = control.value === "" ? null : Number(control.value);
      else values[control.name] = control.value;
    }
    return values;
  }

  function readEnv() {
    try {
      return JSON.parse(stored.get("env") || "{}");
    } catch {
      return {};
    }
  }

  function buildEnv(keys) {
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
    if (keys.length === 0) ui.env.hidden = true;
  }

  function buildProfiles(profiles, current) {
    ui.profilePicker.hidden = profiles.length === 0;
    ui.profile.replaceChildren(...profiles.map((profile) => new Option(profile.name, profile.name)));
    ui.profile.value = current || "";
    const chosen = profiles.find((profile) => profile.name === current);
    ui.profile.title = chosen ? chosen.markdown_description : "";
  }

  // -- The socket --------------------------------------------------------------------------

  let socket = null;
  let attempts = 0;
  let afterClose = null; // what to do when the socket we are closing has closed

  function connect() {
    setStatus("connecting", "Connecting…");
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + root.dataset.socketPath);
    socket.addEventListener("open", () => {
      socket.send(
        JSON.stringify({
          type: "start",
          profile: stored.get("profile"),
          env: readEnv(),
          resume: stored.get("session"),
        }),
      );
    });
    socket.addEventListener("message", (event) => receive(JSON.parse(event.data)));
    socket.addEventListener("close", (event) => closed(event.code));
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
      return true;
    }
    notice("Not connected; your message was not sent.");
    return false;
  }

  function receive(frame) {
    switch (frame.type) {
      case "session":
        attempts = 0;
        stored.set("session", frame.id);
        ui.messages.replaceChildren();
        contents.clear();
        frame.history.forEach(showMessage);
        buildProfiles(frame.profiles, frame.chat_profile);
        buildSettings(frame.settings);
        applySettings(frame.chat_settings);
        buildEnv(frame.user_env);
        root.dataset.sessionId = frame.id;
        setStatus("connected", frame.resumed ? "Connected (resumed)" : "Connected");
        ui.input.focus();
        break;
      case "message":
        showMessage(frame);
        break;
      case "stream": {
        const item = messageElement(frame.id, "assistant", null);
        item.classList.add("cs-streaming");
        showContent(frame.id, (contents.get(frame.id) || "") + frame.token);
        break;
      }
      case "update":
        showContent(frame.id, frame.content);
        break;
      case "remove":
        contents.delete(frame.id);
        ui.messages.querySelector(`[data-id="${CSS.escape(frame.id)}"]`)?.remove();
        break;
      case "task":
        setRunning(frame.state === "start");
        break;
      case "settings":
        applySettings(frame.values);
        notice("Settings applied.", "info");
        break;
      case "error":
        notice(`${frame.detail} (${frame.code})`);
        break;
    }
  }

  // Close codes the server uses; see the README's protocol section.
  function closed(code) {
    socket = null;
    if (afterClose) {
      const next = afterClose;
      afterClose = null;
      next();
      return;
    }
    if (code === CLOSE.NOT_LOGGED_IN) {
      setStatus("closed", "Logged out");
      location.assign(`${root.dataset.loginUrl}?next=${encodeURIComponent(location.pathname)}`);
    } else if (code === CLOSE.FORBIDDEN) {
      stored.set("session", null);
      notice("That chat cannot be resumed here; a new one starts.");
      connect();
    } else if (code === CLOSE.RESUMED_ELSEWHERE) {
      setStatus("closed", "This chat continues in another tab.");
    } else if (code === CLOSE.ENDED_BY_SERVER) {
      stored.set("session", null);
      setStatus("closed", "This chat was ended by the server. Start a new chat to go on.");
    } else if (code === CLOSE.BAD_START) {
      stored.set("profile", null);
      setStatus("closed", "The chat could not start. Start a new chat to try again.");
    } else if (code === CLOSE.UNKNOWN_APP || code === CLOSE.APP_UNAVAILABLE) {
      setStatus("closed", "This chat app is not available.");
    } else {
      const delay = Math.min(30000, 500 * 2 ** attempts) * (0.8 + Math.random() * 0.4);
      attempts += 1;
      setStatus("reconnecting", `Disconnected; reconnecting in ${Math.round(delay / 1000)} s…`);
      setTimeout(connect, delay);
    }
  }

  // Closes the socket on purpose, then runs next: no reconnect loop in between.
  function restart(next) {
    if (socket && socket.readyState <= WebSocket.OPEN) {
      afterClose = next;
      socket.close(CLOSE.NORMAL);
    } else {
      next();
    }
  }

  function newChat() {
    const fresh = () => {
      stored.set("session", null);
      ui.messages.replaceChildren();
      connect();
    };
    if (socket && socket.readyState === WebSocket.OPEN && root.dataset.sessionId) {
      // The server runs on_chat_end and then closes the socket with CLOSE.NORMAL.
      afterClose = fresh;
      socket.send(JSON.stringify({ type: "end" }));
    } else {
      restart(fresh);
    }
  }

  // -- Wiring -------------------------------------------------------------------------------

  function sendMessage() {
    const content = ui.input.value;
    if (!content.trim()) return;
    const id = crypto.randomUUID ? crypto.randomUUID().replaceAll("-", "") : String(Date.now()) + Math.random();
    if (!send({ type: "message", id, content })) return;
    messageElement(id, "user", "You");
    showContent(id, content);
    ui.input.value = "";
  }

  ui.composer.addEventListener("submit", (event) => {
    event.preventDefault();
    sendMessage();
  });
  ui.input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      sendMessage();
    }
  });
  ui.stop.addEventListener("click", () => send({ type: "stop" }));
  ui.newChat.addEventListener("click", newChat);
  ui.profile.addEventListener("change", () => {
    stored.set("profile", ui.profile.value);
    newChat();
  });
  for (const [toggle, panel] of [
    [ui.settingsToggle, ui.settings],
    [ui.envToggle, ui.env],
  ]) {
    toggle.addEventListener("click", () => {
      panel.hidden = !panel.hidden;
      toggle.setAttribute("aria-expanded", String(!panel.hidden));
    });
  }
  ui.settings.addEventListener("submit", (event) => {
    event.preventDefault();
    send({ type: "settings", values: readSettings() });
  });
  ui.env.addEventListener("submit", (event) => {
    event.preventDefault();
    const env = {};
    for (const input of ui.env.querySelectorAll("input[name]")) if (input.value) env[input.name] = input.value;
    stored.set("env", JSON.stringify(env));
    notice("Keys saved in this tab.", "info");
    // Resume the same chat so its handlers see the new env at once.
    restart(connect);
  });

  connect();
})();
