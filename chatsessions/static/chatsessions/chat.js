// The chat page's client: speaks the chatsessions protocol over one WebSocket, and the
// history's JSON endpoints (api.py) for the sidebar and for older messages.
// Plain JavaScript, no build step; Markdown by the vendored marked, sanitised by
// DOMPurify, code highlighted by Prism.
(function () {
  "use strict";

  const root = document.querySelector("[data-chatsessions]");
  if (!root) return;
  const $ = (selector) => root.querySelector(selector);
  const app = root.dataset.app;
  const historyUrl = root.dataset.historyUrl; // empty for an anonymous visitor: no sidebar
  // The server's close and error codes by name (chatsessions/frames.py), so that no code
  // is a bare number here.
  const CODES = JSON.parse(document.getElementById("chatsessions-codes").textContent);
  const CLOSE = CODES.close;
  const ui = {
    title: $(".cs-title"),
    status: $(".cs-status"),
    notices: $(".cs-notices"),
    scroll: $(".cs-scroll"),
    older: $(".cs-older"),
    loadOlder: $(".cs-load-older"),
    messages: $(".cs-messages"),
    jump: $(".cs-jump"),
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
    sidebar: $(".cs-sidebar"),
    showSidebar: $(".cs-show-sidebar"),
    hideSidebar: $(".cs-hide-sidebar"),
    search: $(".cs-search"),
    chatList: $(".cs-chat-list"),
    listEmpty: $(".cs-list-empty"),
    moreChats: $(".cs-more-chats"),
    confirm: $(".cs-confirm"),
    attach: $(".cs-attach"), // absent for an anonymous visitor: no uploads
    fileInput: $(".cs-file-input"),
    attachments: $(".cs-attachments"),
    drop: $(".cs-drop"),
    chat: $(".cs-chat"),
  };
  const narrow = window.matchMedia("(max-width: 700px)");

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

  // -- Markdown, safely, with highlighted code ----------------------------------------------

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

  function copyButton(label, text) {
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
        notice("The browser did not allow copying.");
      }
    });
    return button;
  }

  // Highlights a message's code blocks and gives each a copy button. A block still
  // streaming is highlighted again with each token: Prism is fast on a message's code.
  function decorateCode(body) {
    for (const pre of body.querySelectorAll("pre")) {
      const code = pre.querySelector("code");
      if (code && window.Prism) {
        const language = (code.className.match(/language-([\w-]+)/) || [])[1];
        if (language && window.Prism.languages[language]) window.Prism.highlightElement(code);
      }
      const wrapper = document.createElement("div");
      wrapper.className = "cs-code";
      pre.replaceWith(wrapper);
      wrapper.append(pre, copyButton("Copy code", () => pre.textContent));
    }
  }

  // -- Messages ----------------------------------------------------------------------------

  const element = (tag, className) => Object.assign(document.createElement(tag), { className });

  const contents = new Map(); // message id -> its Markdown source, for streaming and copying
  let olderCursor = null; // where the replayed history starts, if older messages exist
  // The view follows new text while the user is at the bottom; scrolled up, it stays put.
  let following = true;

  const findMessage = (id) => ui.messages.querySelector(`[data-id="${CSS.escape(id)}"]`);
  const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
  const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

  let username = null; // the user's own messages say "You", replayed or not
  const shownAuthor = (role, author) => (role === "user" && author === username ? "You" : author);

  function buildMessage(id, role, author) {
    const item = element("li", `cs-message cs-${role === "notice" ? "notice-role" : role}`);
    item.dataset.id = id;
    const meta = element("div", "cs-meta");
    const who = element("span", "cs-author");
    meta.append(who, element("time", ""), copyButton("Copy message", () => contents.get(id) || ""));
    if (role === "assistant") meta.append(feedbackButtons(id));
    item.append(meta, element("div", "cs-content"));
    if (author) who.textContent = who.title = shownAuthor(role, author);
    return item;
  }

  function setTime(item, created) {
    const time = item.querySelector("time");
    const moment = created ? new Date(created) : new Date();
    time.dateTime = moment.toISOString();
    time.textContent = timeFormat.format(moment);
    time.title = dateTimeFormat.format(moment);
  }

  function messageElement(id, role, author) {
    let item = findMessage(id);
    if (!item) {
      item = buildMessage(id, role, author);
      setTime(item, null);
      ui.messages.append(item);
    } else if (author) {
      const who = item.querySelector(".cs-author");
      who.textContent = who.title = shownAuthor(role, author);
    }
    return item;
  }

  function render(item, text) {
    contents.set(item.dataset.id, text);
    const body = item.querySelector(".cs-content");
    body.innerHTML = renderMarkdown(text);
    decorateCode(body);
  }

  function showContent(id, text) {
    const item = findMessage(id);
    if (item) render(item, text);
    follow();
  }

  function showMessage(frame) {
    const item = messageElement(frame.id, frame.role || "assistant", frame.author);
    item.classList.remove("cs-streaming");
    if (frame.created) setTime(item, frame.created);
    showContent(frame.id, frame.content);
    decorate(item, frame);
  }

  // What a message frame adds to the message: its elements, its buttons and the user's feedback.
  const elementOptions = {
    plotlySrc: root.dataset.plotlySrc,
    plotlyCss: root.dataset.plotlyCss,
    onResize: () => follow(),
  };
  function decorate(item, frame) {
    if (frame.elements) window.ChatFiles.showElements(item, frame.elements, elementOptions);
    if (frame.actions) showActions(item, frame.actions);
    if (frame.feedback) showFeedback(item, frame.feedback);
  }

  // Older messages go above the ones shown, the view staying on what the user reads.
  function prependMessages(frames) {
    const older = document.createDocumentFragment();
    for (const frame of frames) {
      if (findMessage(frame.id)) continue;
      if (frame.type === "step") {
        showStep(frame, older);
        continue;
      }
      const item = buildMessage(frame.id, frame.role || "assistant", frame.author);
      setTime(item, frame.created);
      render(item, frame.content);
      decorate(item, frame);
      older.append(item);
    }
    const fromBottom = ui.scroll.scrollHeight - ui.scroll.scrollTop;
    ui.messages.prepend(older);
    ui.scroll.scrollTop = ui.scroll.scrollHeight - fromBottom;
  }

  function follow() {
    if (following) ui.scroll.scrollTop = ui.scroll.scrollHeight;
    else ui.jump.hidden = false;
  }

  function atBottom() {
    return ui.scroll.scrollHeight - ui.scroll.scrollTop - ui.scroll.clientHeight < 40;
  }

  let loadingOlder = false;
  async function loadOlder() {
    const sessionId = root.dataset.sessionId;
    if (loadingOlder || olderCursor === null || !historyUrl || !sessionId) return;
    loadingOlder = true;
    try {
      const page = await api(`${historyUrl}${sessionId}/messages/?before=${olderCursor}`);
      if (root.dataset.sessionId !== sessionId) return; // another chat opened meanwhile
      prependMessages(page.messages);
      olderCursor = page.before;
      ui.older.hidden = olderCursor === null;
    } catch (error) {
      notice(`Earlier messages cannot be loaded now (${error.message}).`);
    } finally {
      loadingOlder = false;
    }
  }

  // -- Notices and state -------------------------------------------------------------------

  const MAX_NOTICES = 3;
  function notice(text, kind = "error") {
    const note = document.createElement("p");
    note.className = `cs-notice cs-${kind}`;
    note.setAttribute("role", kind === "error" ? "alert" : "status");
    note.textContent = text;
    ui.notices.append(note);
    while (ui.notices.children.length > MAX_NOTICES) ui.notices.firstElementChild.remove();
    note.addEventListener("animationend", () => note.remove());
  }

  function setStatus(state, text) {
    ui.status.dataset.state = state;
    ui.status.textContent = text;
    const open = state === "connected";
    ui.input.disabled = !open;
    ui.send.disabled = !open;
    if (!open) setRunning(false);
  }

  let running = false;
  function setRunning(value) {
    running = value;
    ui.composer.dataset.running = String(value);
    ui.stop.hidden = !value;
    ui.running.hidden = !value;
  }

  function setTitle(title) {
    ui.title.textContent = title || "New chat";
    document.title = `${title || "New chat"} · ${app}`;
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
    // One WebSocket message is one frame, or several (a JSON array, in order).
    socket.addEventListener("message", (event) => {
      const data = JSON.parse(event.data);
      for (const frame of Array.isArray(data) ? data : [data]) receive(frame);
    });
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
        username = frame.user;
        following = true;
        ui.jump.hidden = true;
        for (const shown of frame.history) (shown.type === "step" ? showStep : showMessage)(shown);
        starters.show(frame.resumed ? [] : frame.starters || []);
        olderCursor = frame.history_before ?? null;
        ui.older.hidden = olderCursor === null || !historyUrl;
        buildProfiles(frame.profiles, frame.chat_profile);
        buildSettings(frame.settings);
        applySettings(frame.chat_settings);
        buildEnv(frame.user_env);
        if (root.dataset.sessionId !== frame.id) attachments?.clear(); // uploaded to another chat
        root.dataset.sessionId = frame.id;
        if (ui.attach) ui.attach.disabled = false;
        setStatus("connected", frame.resumed ? "Connected (resumed)" : "Connected");
        setRunning(Boolean(frame.running));
        endAsk();
        if (frame.ask) showAsk(frame.ask);
        chats.mark(frame.id);
        if (!frame.resumed) setTitle("");
        ui.input.focus();
        break;
      case "message":
        showMessage(frame);
        break;
      case "stream": {
        const step = findMessage(frame.id);
        if (step && step.classList.contains("cs-step")) {
          streamStep(step, frame.token);
          break;
        }
        const item = messageElement(frame.id, "assistant", null);
        item.classList.add("cs-streaming");
        showContent(frame.id, (contents.get(frame.id) || "") + frame.token);
        break;
      }
      case "step":
        showStep(frame);
        break;
      case "actions": {
        const item = findMessage(frame.for);
        if (item) showActions(item, frame.actions);
        break;
      }
      case "ask":
        showAsk(frame);
        break;
      case "ask_end":
        endAsk(frame.for);
        break;
      case "feedback": {
        const item = findMessage(frame.for);
        if (item) showFeedback(item, frame);
        break;
      }
      case "update":
        showContent(frame.id, frame.content);
        break;
      case "remove":
        contents.delete(frame.id);
        findMessage(frame.id)?.remove();
        break;
      case "task":
        setRunning(frame.state === "start");
        // A first message titles the chat, and any turn makes it the newest: the list
        // shows that once it is written (no request while it is at the top already).
        if (frame.state === "end" && !chats.isNewest(root.dataset.sessionId)) chats.refreshSoon();
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
    } else if (code === CLOSE.FORBIDDEN_ORIGIN) {
      setStatus("closed", "Chats cannot be opened from this address; the server's log says why.");
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

  // Ends the chat on screen (on_chat_end runs; it can be reopened from the list), then
  // opens the chat resume names, or a new one. Resolves once the old socket has closed.
  function switchTo(resume) {
    return new Promise((resolve) => {
      const open = () => {
        stored.set("session", resume);
        delete root.dataset.sessionId;
        ui.messages.replaceChildren();
        setTitle(resume ? chats.titleOf(resume) : "");
        resolve();
        connect();
      };
      if (socket && socket.readyState === WebSocket.OPEN && root.dataset.sessionId) {
        // The server runs on_chat_end and then closes the socket with CLOSE.NORMAL.
        afterClose = open;
        socket.send(JSON.stringify({ type: "end" }));
      } else {
        restart(open);
      }
    });
  }

  // -- Actions, questions, steps, feedback and starters ---------------------------------------

  function showActions(item, actions) {
    let row = item.querySelector(":scope > .cs-actions-row");
    if (!row) {
      row = document.createElement("div");
      row.className = "cs-actions-row";
      item.append(row);
    }
    row.replaceChildren(
      ...actions.map((action) => {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "cs-action";
        button.textContent = action.label;
        button.title = action.tooltip || "";
        button.dataset.id = action.id;
        // The server knows the action by its id: its name and payload never leave it.
        button.addEventListener("click", () => send({ type: "action", id: action.id }));
        return button;
      }),
    );
    row.hidden = actions.length === 0;
  }

  // The question a handler waits on: a text one takes the next message as its answer.
  let asking = null;
  const placeholder = ui.input.placeholder;

  function showAsk(frame) {
    endAsk();
    asking = frame;
    findMessage(frame.for)?.classList.add("cs-asking");
    if (frame.kind === "text") {
      ui.input.placeholder = "Your answer (Enter sends it)";
      ui.input.focus();
    } else if (frame.kind === "file" && ui.fileInput) {
      const wanted = frame.files || {};
      ui.fileInput.accept = (wanted.accept || []).join(",");
      ui.input.placeholder = "Attach the file(s) asked for; they are sent once uploaded";
      const choose = document.createElement("button");
      choose.type = "button";
      choose.className = "cs-choose-files";
      choose.textContent = wanted.max_files > 1 ? `Choose up to ${wanted.max_files} files` : "Choose a file";
      choose.title = `${(wanted.accept || []).join(", ")}, at most ${wanted.max_size_mb} MB each`;
      choose.addEventListener("click", () => ui.fileInput.click());
      findMessage(frame.for)?.append(choose);
    }
  }

  function endAsk(messageId) {
    if (!asking || (messageId && asking.for !== messageId)) return;
    findMessage(asking.for)?.classList.remove("cs-asking");
    findMessage(asking.for)?.querySelector(":scope > .cs-choose-files")?.remove();
    if (ui.fileInput) ui.fileInput.accept = "";
    ui.input.placeholder = placeholder;
    asking = null;
  }

  // A step is folded: its name, type and time; open, its input and output, and its steps.
  function buildStep(frame) {
    const item = element("li", "cs-step");
    item.dataset.id = frame.id;
    const details = element("details", "");
    const summary = element("summary", "");
    summary.append(element("span", "cs-step-name"), element("span", "cs-step-type"), element("span", "cs-step-time"));
    details.append(
      summary,
      element("div", "cs-step-input cs-content"),
      element("div", "cs-step-output cs-content"),
      element("ol", "cs-step-children"),
    );
    details.open = Boolean(frame.default_open);
    item.append(details);
    return item;
  }

  // within: the list, or a page of older messages and steps not in it yet.
  function showStep(frame, within = ui.messages) {
    const find = (id) => findMessage(id) || within.querySelector?.(`[data-id="${CSS.escape(id)}"]`);
    let item = find(frame.id);
    if (!item) {
      item = buildStep(frame);
      const parent = frame.parent_id && find(frame.parent_id);
      (parent ? parent.querySelector(".cs-step-children") : within).append(item);
    }
    item.classList.toggle("cs-step-error", Boolean(frame.is_error));
    item.classList.toggle("cs-step-running", !frame.end);
    item.querySelector(".cs-step-name").textContent = frame.name;
    item.querySelector(".cs-step-type").textContent = frame.step_type === "undefined" ? "" : frame.step_type;
    const seconds = frame.end ? (new Date(frame.end) - new Date(frame.start)) / 1000 : null;
    item.querySelector(".cs-step-time").textContent =
      seconds === null ? "running…" : seconds < 1 ? `${Math.round(seconds * 1000)} ms` : `${seconds.toFixed(1)} s`;
    const input = item.querySelector(".cs-step-input");
    const showInput = frame.show_input && frame.input;
    input.hidden = !showInput;
    if (showInput) input.innerHTML = renderMarkdown(fenced(frame.input, frame.show_input));
    item.dataset.language = frame.language || "";
    contents.set(frame.id, frame.output);
    renderStepOutput(item);
    if (within === ui.messages) follow();
  }

  // Text in a code block of language (a bare "true" shows it as plain text).
  const fenced = (text, language) => {
    const fence = "`".repeat(Math.max(3, ...[...text.matchAll(/`+/g)].map((run) => run[0].length + 1)));
    return `${fence}${typeof language === "string" ? language : ""}\n${text}\n${fence}`;
  };

  function renderStepOutput(item) {
    const output = item.querySelector(".cs-step-output");
    const text = contents.get(item.dataset.id) || "";
    const language = item.dataset.language;
    output.innerHTML = renderMarkdown(language ? fenced(text, language) : text);
    decorateCode(output);
  }

  function streamStep(item, token) {
    contents.set(item.dataset.id, (contents.get(item.dataset.id) || "") + token);
    renderStepOutput(item);
    follow();
  }

  function feedbackButtons(id) {
    const box = document.createElement("span");
    box.className = "cs-feedback";
    for (const [value, label] of [
      [1, "Good answer"],
      [0, "Bad answer"],
    ]) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = value ? "cs-thumb-up" : "cs-thumb-down";
      button.setAttribute("aria-label", label);
      button.title = label;
      button.setAttribute("aria-pressed", "false");
      button.addEventListener("click", () => (value ? send({ type: "feedback", for: id, value }) : askComment(id)));
      box.append(button);
    }
    return box;
  }

  // Thumbs down asks what was wrong (optional) before it is sent.
  function askComment(id) {
    const item = findMessage(id);
    if (!item || item.querySelector(".cs-comment")) return;
    const form = document.createElement("form");
    form.className = "cs-comment";
    const input = document.createElement("input");
    input.maxLength = 2000;
    input.placeholder = "What was wrong? (optional)";
    input.setAttribute("aria-label", "What was wrong with this answer?");
    const submit = document.createElement("button");
    submit.textContent = "Send feedback";
    form.append(input, submit);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (send({ type: "feedback", for: id, value: 0, comment: input.value })) form.remove();
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        form.remove();
      }
    });
    item.append(form);
    input.focus();
  }

  function showFeedback(item, given) {
    item.querySelector(".cs-thumb-up")?.setAttribute("aria-pressed", String(given.value === 1));
    item.querySelector(".cs-thumb-down")?.setAttribute("aria-pressed", String(given.value === 0));
    const down = item.querySelector(".cs-thumb-down");
    if (down) down.title = given.value === 0 && given.comment ? `Bad answer: ${given.comment}` : "Bad answer";
  }

  // Suggested first messages, shown in an empty chat; a click sends one.
  const starters = {
    box: null,
    show(list) {
      this.hide();
      if (!list.length) return;
      this.box = document.createElement("div");
      this.box.className = "cs-starters";
      for (const starter of list) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "cs-starter";
        if (starter.icon && /^(https?:\/\/|\/)/.test(starter.icon)) {
          const icon = document.createElement("img");
          icon.src = starter.icon;
          icon.alt = "";
          icon.addEventListener("error", () => icon.remove());
          button.append(icon);
        }
        button.append(starter.label);
        button.title = starter.message;
        button.addEventListener("click", () => {
          ui.input.value = starter.message;
          sendMessage();
        });
        this.box.append(button);
      }
      ui.messages.before(this.box);
    },
    hide() {
      this.box?.remove();
      this.box = null;
    },
  };

  // -- The chat list (the sidebar) ------------------------------------------------------------

  const csrfToken = () => (document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/) || [])[1] || "";

  async function api(url, options = {}) {
    const headers = { Accept: "application/json", ...(options.headers || {}) };
    if (options.method && options.method !== "GET") {
      headers["X-CSRFToken"] = csrfToken();
      headers["Content-Type"] = "application/json";
    }
    const response = await fetch(url, { credentials: "same-origin", ...options, headers });
    if (response.status === 401) {
      location.assign(`${root.dataset.loginUrl}?next=${encodeURIComponent(location.pathname)}`);
      throw new Error("logged out");
    }
    if (!response.ok) {
      const problem = await response.json().catch(() => ({}));
      throw new Error(problem.detail || `HTTP ${response.status}`);
    }
    return response.status === 204 ? null : response.json();
  }

  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";

  const chats = {
    titles: new Map(), // chat id -> title, of the chats listed
    next: null,
    query: "",
    timer: null,
    generation: 0, // a newer refresh makes an older one's answer void

    url(cursor) {
      const params = new URLSearchParams();
      if (this.query) params.set("q", this.query);
      if (zone) params.set("tz", zone);
      if (cursor) params.set("cursor", cursor);
      return `${historyUrl}?${params}`;
    },

    async refresh() {
      if (!historyUrl) return;
      const generation = ++this.generation;
      ui.chatList.setAttribute("aria-busy", "true");
      try {
        const page = await api(this.url(null));
        if (generation !== this.generation) return;
        ui.chatList.replaceChildren();
        this.titles.clear();
        this.add(page);
      } catch (error) {
        notice(`Your chats cannot be listed now (${error.message}).`);
      } finally {
        if (generation === this.generation) ui.chatList.setAttribute("aria-busy", "false");
      }
    },

    refreshSoon(delay = 400) {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.refresh(), delay);
    },

    async more() {
      if (!this.next) return;
      const generation = this.generation;
      try {
        const page = await api(this.url(this.next));
        if (generation === this.generation) this.add(page);
      } catch (error) {
        notice(`Your chats cannot be listed now (${error.message}).`);
      }
    },

    add(page) {
      for (const chat of page.chats) {
        let group = ui.chatList.lastElementChild;
        if (!group || group.dataset.group !== chat.group) {
          group = document.createElement("section");
          group.dataset.group = chat.group;
          const heading = document.createElement("h3");
          heading.textContent = chat.group;
          group.append(heading, document.createElement("ul"));
          ui.chatList.append(group);
        }
        group.querySelector("ul").append(this.item(chat));
        this.titles.set(chat.id, chat.title);
      }
      this.next = page.next;
      ui.moreChats.hidden = !page.next;
      ui.listEmpty.hidden = ui.chatList.childElementCount > 0;
      ui.listEmpty.textContent = this.query ? "No chat matches." : "No chats yet.";
      this.mark(root.dataset.sessionId);
    },

    item(chat) {
      const item = document.createElement("li");
      item.className = "cs-chat-item";
      item.dataset.id = chat.id;
      const link = document.createElement("a");
      link.className = "cs-chat-link";
      link.href = `#${chat.id}`;
      link.textContent = chat.title;
      link.title = `${chat.title}\n${dateTimeFormat.format(new Date(chat.last_activity_at))}`;
      link.addEventListener("click", (event) => {
        event.preventDefault();
        this.open(chat.id);
      });
      const rename = document.createElement("button");
      rename.type = "button";
      rename.className = "cs-rename";
      rename.setAttribute("aria-label", `Rename “${chat.title}”`);
      rename.addEventListener("click", () => this.rename(item));
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "cs-delete";
      remove.setAttribute("aria-label", `Delete “${chat.title}”`);
      remove.addEventListener("click", () => this.remove(item));
      item.append(link, rename, remove);
      return item;
    },

    // Shows which chat is open, and its title above the conversation.
    mark(sessionId) {
      for (const item of ui.chatList.querySelectorAll(".cs-chat-item")) {
        item.setAttribute("aria-current", String(item.dataset.id === sessionId));
      }
      if (sessionId && this.titles.has(sessionId)) setTitle(this.titles.get(sessionId));
    },

    isNewest(sessionId) {
      return !this.query && ui.chatList.querySelector(".cs-chat-item")?.dataset.id === sessionId;
    },

    titleOf(sessionId) {
      return this.titles.get(sessionId) || "";
    },

    open(sessionId) {
      if (narrow.matches) setSidebar(false);
      if (sessionId !== root.dataset.sessionId) switchTo(sessionId);
    },

    rename(item) {
      const link = item.querySelector(".cs-chat-link");
      const input = document.createElement("input");
      input.value = this.titleOf(item.dataset.id);
      input.maxLength = 200;
      input.setAttribute("aria-label", "New title");
      link.replaceWith(input);
      input.focus();
      input.select();
      let done = false;
      const finish = async (save) => {
        if (done) return;
        done = true;
        const title = input.value.trim();
        input.replaceWith(link);
        if (!save || !title || title === this.titleOf(item.dataset.id)) return;
        try {
          const chat = await api(`${historyUrl}${item.dataset.id}/`, {
            method: "PATCH",
            body: JSON.stringify({ title }),
          });
          link.textContent = chat.title;
          this.titles.set(chat.id, chat.title);
          this.mark(root.dataset.sessionId);
        } catch (error) {
          notice(`The chat cannot be renamed (${error.message}).`);
        }
      };
      input.addEventListener("keydown", (event) => {
        if (event.key === "Enter") {
          event.preventDefault();
          finish(true);
        } else if (event.key === "Escape") {
          event.preventDefault();
          event.stopPropagation();
          finish(false);
        }
      });
      input.addEventListener("blur", () => finish(true));
    },

    remove(item) {
      const sessionId = item.dataset.id;
      ui.confirm.querySelector(".cs-confirm-title").textContent = this.titleOf(sessionId);
      ui.confirm.returnValue = "";
      ui.confirm.addEventListener(
        "close",
        async () => {
          if (ui.confirm.returnValue !== "delete") return;
          try {
            // The chat on screen ends first, so that its socket is not closed under it.
            if (sessionId === root.dataset.sessionId) await switchTo(null);
            await api(`${historyUrl}${sessionId}/`, { method: "DELETE" });
            this.refresh();
          } catch (error) {
            notice(`The chat cannot be deleted (${error.message}).`);
          }
        },
        { once: true },
      );
      ui.confirm.showModal();
    },
  };

  function setSidebar(open) {
    root.dataset.sidebar = open ? "open" : "closed";
    ui.showSidebar?.setAttribute("aria-expanded", String(open));
    ui.hideSidebar?.setAttribute("aria-expanded", String(open));
  }

  // -- Wiring -------------------------------------------------------------------------------

  function sendMessage() {
    const content = ui.input.value;
    if (attachments?.uploading) {
      notice("Your files are still uploading; the message goes once they are done.", "info");
      sendWhenUploaded = true;
      return;
    }
    const files = attachments ? attachments.ready : [];
    if (!content.trim() && !files.length) return;
    const id = crypto.randomUUID ? crypto.randomUUID().replaceAll("-", "") : String(Date.now()) + Math.random();
    const frame = { type: "message", id, content };
    if (files.length) frame.files = files.map((file) => file.id);
    if (!send(frame)) return;
    following = true;
    ui.jump.hidden = true;
    starters.hide();
    const item = messageElement(id, "user", "You");
    showContent(id, content);
    if (files.length) window.ChatFiles.showElements(item, files, elementOptions);
    ui.input.value = "";
    attachments?.clear();
  }

  // Files attached by button, drag and drop or paste: uploaded at once to the chat.
  let sendWhenUploaded = false;
  const attachments = ui.attach
    ? new window.ChatFiles.Attachments(ui.attachments, {
        uploadUrl: (sessionId) => root.dataset.filesUrl.replace("00000000-0000-0000-0000-000000000000", sessionId),
        csrfToken,
        onChange() {
          if (attachments.uploading) return;
          if (attachments.failed) {
            sendWhenUploaded = false; // the user reads why, and removes or replaces the file
            return;
          }
          // A question for files is answered as soon as they are in; a message sent while
          // they uploaded goes now.
          if (sendWhenUploaded || (asking?.kind === "file" && attachments.ready.length)) {
            sendWhenUploaded = false;
            sendMessage();
          }
        },
      })
    : null;

  function attach(files) {
    if (!attachments || !files.length) return;
    if (!root.dataset.sessionId) {
      notice("Wait for the chat to connect, then attach your files.");
      return;
    }
    attachments.add(files, root.dataset.sessionId);
  }

  if (attachments) {
    ui.attach.addEventListener("click", () => ui.fileInput.click());
    ui.fileInput.addEventListener("change", () => {
      attach([...ui.fileInput.files]);
      ui.fileInput.value = "";
    });
    ui.input.addEventListener("paste", (event) => {
      const files = [...(event.clipboardData?.files || [])];
      if (files.length) {
        event.preventDefault();
        attach(files);
      }
    });
    let dragging = 0;
    const hasFiles = (event) => [...(event.dataTransfer?.types || [])].includes("Files");
    ui.chat.addEventListener("dragenter", (event) => {
      if (!hasFiles(event)) return;
      dragging += 1;
      ui.drop.hidden = false;
    });
    ui.chat.addEventListener("dragleave", () => {
      dragging = Math.max(dragging - 1, 0);
      if (!dragging) ui.drop.hidden = true;
    });
    ui.chat.addEventListener("dragover", (event) => {
      if (hasFiles(event)) event.preventDefault();
    });
    ui.chat.addEventListener("drop", (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      dragging = 0;
      ui.drop.hidden = true;
      attach([...event.dataTransfer.files]);
    });
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
  // Escape stops a running reply, unless a dialog or a rename has it.
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && running && !root.querySelector("dialog[open]") && !event.defaultPrevented) {
      send({ type: "stop" });
    }
  });
  ui.stop.addEventListener("click", () => send({ type: "stop" }));
  ui.newChat.addEventListener("click", () => {
    if (narrow.matches) setSidebar(false);
    switchTo(null);
  });
  ui.profile.addEventListener("change", () => {
    stored.set("profile", ui.profile.value);
    switchTo(null);
  });
  ui.scroll.addEventListener("scroll", () => {
    following = atBottom();
    if (following) ui.jump.hidden = true;
    if (ui.scroll.scrollTop < 80) loadOlder();
  });
  ui.jump.addEventListener("click", () => {
    following = true;
    ui.jump.hidden = true;
    follow();
  });
  ui.loadOlder.addEventListener("click", loadOlder);

  for (const [toggle, form] of [
    [ui.settingsToggle, ui.settings],
    [ui.envToggle, ui.env],
  ]) {
    const drawer = form.closest("dialog");
    toggle.addEventListener("click", () => drawer.showModal());
    form.querySelector(".cs-close").addEventListener("click", () => drawer.close());
  }
  ui.settings.addEventListener("submit", (event) => {
    event.preventDefault();
    send({ type: "settings", values: readSettings() });
    ui.settings.closest("dialog").close();
  });
  ui.env.addEventListener("submit", (event) => {
    event.preventDefault();
    const env = {};
    for (const input of ui.env.querySelectorAll("input[name]")) if (input.value) env[input.name] = input.value;
    stored.set("env", JSON.stringify(env));
    ui.env.closest("dialog").close();
    notice("Keys saved in this tab.", "info");
    // Resume the same chat so its handlers see the new env at once.
    restart(connect);
  });

  if (historyUrl) {
    setSidebar(!narrow.matches);
    ui.showSidebar.addEventListener("click", () => setSidebar(true));
    ui.hideSidebar.addEventListener("click", () => setSidebar(false));
    ui.moreChats.addEventListener("click", () => chats.more());
    ui.search.addEventListener("input", () => {
      chats.query = ui.search.value.trim();
      chats.refreshSoon(250);
    });
    chats.refresh();
  } else {
    root.dataset.sidebar = "closed";
  }
  connect();
})();
