// <chat-widget>: the chat as a copilot on any page of the site ({% chat_widget %} adds
// it), or of another site (docs/handler-api.md, "The copilot on another site"). A
// launcher button opens a panel with the chat app's page in a frame; the frame's page
// says which page it is on (page_url) and what that shows (page_object, or the object
// attribute's JSON). On the chat's own site it uses the user's own login. On another
// site the frame gets no cookie of the chat's: the token attribute, or what a GET of
// token-url answers ({"token": ...}, asked again whenever the chat needs a new one), is
// handed to the frame, which logs in with it. A login refused, or a frame that never
// loads (the site is not in the chat's EMBED_ORIGINS), shows as an error in the panel.
// A classic script (no CORS needed from another site). The element is the page's one
// global; its methods:
//   open(), close(), toggle()
//   registerFunction(name, fn): what a handler's CopilotFunction(name, args) calls; fn
//     gets args and returns (or resolves to) JSON
//   sendSystemMessage(text): a system message into the chat (on_message gets it)
//   postToChat(data): a window message (@on_window_message gets it)
// A call with no registered function is also dispatched as Chainlit's "chainlit-call-fn"
// event ({name, args, callback}); a listener answers by calling callback at once, or by
// calling event.preventDefault() and callback later. Unanswered, the call fails at once.
// What the chat's handlers send with send_window_message arrives as a window "message"
// event from the frame, as in Chainlit.

const widgetScript = document.currentScript?.src || location.href;
// How long a frame may take to say it is connected before the panel says it did not load
// (the load-seconds attribute, else this).
const LOAD_SECONDS = 15;

class ChatWidget extends HTMLElement {
  #functions = new Map();
  #frame = null;
  #panel = null;
  #button = null;
  #error = null;
  #pending = [];
  #loadTimer = null;

  connectedCallback() {
    if (this.shadowRoot) return;
    const shadow = this.attachShadow({ mode: "open" });
    const style = document.createElement("link");
    style.rel = "stylesheet";
    style.href = this.getAttribute("stylesheet") || new URL("widget.css", widgetScript).href;
    this.#button = document.createElement("button");
    this.#button.type = "button";
    this.#button.className = "launcher";
    this.#button.id = "chat-widget-button";
    this.#button.textContent = this.#label;
    this.#button.setAttribute("aria-expanded", "false");
    this.#button.addEventListener("click", () => this.toggle());
    this.#panel = document.createElement("section");
    this.#panel.className = "panel";
    this.#panel.hidden = true;
    this.#panel.setAttribute("aria-label", this.#label);
    const head = document.createElement("header");
    const title = document.createElement("span");
    title.textContent = this.#label;
    const close = document.createElement("button");
    close.type = "button";
    close.className = "close";
    close.setAttribute("aria-label", this.#t("Close the chat"));
    close.textContent = "×";
    close.addEventListener("click", () => this.close());
    head.append(title, close);
    this.#error = document.createElement("p");
    this.#error.className = "error";
    this.#error.setAttribute("role", "alert");
    this.#error.hidden = true;
    this.#panel.append(head, this.#error);
    shadow.append(style, this.#panel, this.#button);
    window.addEventListener("message", (event) => this.#fromFrame(event));
    this.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && this.isOpen) this.close();
    });
    if (this.hasAttribute("opened")) this.open();
  }

  // The widget's words: the texts attribute ({% chat_widget %} gives them in the page's
  // language) or English. (On another site's page, a copy of the element may give its own.)
  #t(text, values = {}) {
    let texts = {};
    try {
      texts = JSON.parse(this.getAttribute("texts") || "{}");
    } catch {}
    return (texts[text] || text).replace(/%\((\w+)\)s/g, (_, name) => String(values[name] ?? ""));
  }

  get #label() {
    return this.getAttribute("label") || this.#t("Chat");
  }

  get isOpen() {
    return Boolean(this.#panel && !this.#panel.hidden);
  }

  get #origin() {
    return new URL(this.getAttribute("src"), location.href).origin;
  }

  // The chat's frame, made when first needed: opened, or posted to.
  #ensureFrame() {
    if (this.#frame) return;
    const url = new URL(this.getAttribute("src"), location.href);
    url.searchParams.set("page_url", location.href);
    if (this.hasAttribute("object")) url.searchParams.set("page_object", this.getAttribute("object"));
    this.#frame = document.createElement("iframe");
    this.#frame.title = this.#label;
    this.#frame.src = url.href;
    this.#frame.addEventListener("load", () => this.#hello());
    this.#panel.append(this.#frame);
    this.#loadTimer = setTimeout(() => {
      if (this.#origin === location.origin) this.#fail(this.#t("The chat did not load: are you logged in?"));
      else this.#fail(`The chat did not load: ${this.#origin} may not allow ${location.origin} to embed it (its EMBED_ORIGINS).`);
    }, Number(this.getAttribute("load-seconds") || LOAD_SECONDS) * 1000);
  }

  #fail(text) {
    clearTimeout(this.#loadTimer);
    this.#error.textContent = text;
    this.#error.hidden = false;
    this.dispatchEvent(new CustomEvent("chat-widget-error", { detail: { message: text }, bubbles: true }));
  }

  open() {
    this.#ensureFrame();
    this.#panel.hidden = false;
    this.#button.setAttribute("aria-expanded", "true");
    this.#frame.focus();
  }

  close() {
    if (!this.#panel) return;
    this.#panel.hidden = true;
    this.#button.setAttribute("aria-expanded", "false");
    this.#button.focus();
  }

  toggle() {
    if (this.isOpen) this.close();
    else this.open();
  }

  registerFunction(name, fn) {
    this.#functions.set(String(name), fn);
  }

  sendSystemMessage(text) {
    this.#post({ chatsessions: "system_message", content: String(text) });
  }

  postToChat(data) {
    this.#post(data);
  }

  // The chat hears nothing until it is connected: posts wait for it (a closed widget
  // loads its chat, and stays closed).
  #post(data) {
    if (this.#frame?.dataset.ready) this.#frame.contentWindow.postMessage(data, this.#origin);
    else {
      this.#pending.push(data);
      this.#ensureFrame();
    }
  }

  // The frame's page learns that a widget hosts it (function calls may go through), and
  // on another site gets the token it logs in with.
  async #hello() {
    let token;
    try {
      token = await this.#token();
    } catch (error) {
      this.#fail(this.#t("The chat cannot log you in: %(reason)s", { reason: error.message }));
      return;
    }
    this.#frame.contentWindow.postMessage({ chatsessions: "hello", ...(token ? { token } : {}) }, this.#origin);
  }

  async #token() {
    const tokenUrl = this.getAttribute("token-url");
    if (!tokenUrl) return this.getAttribute("token");
    const response = await fetch(tokenUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok || typeof answer.token !== "string") throw new Error(answer.detail || `${tokenUrl} answered HTTP ${response.status}`);
    return answer.token;
  }

  // The chat is connected: what was posted meanwhile goes now.
  #ready() {
    clearTimeout(this.#loadTimer);
    this.#error.hidden = true;
    this.#frame.dataset.ready = "1";
    for (const data of this.#pending.splice(0)) this.#frame.contentWindow.postMessage(data, this.#origin);
  }

  // Only the widget's own frame, from the chat's origin, may ask for a call.
  #fromFrame(event) {
    if (!this.#frame || event.source !== this.#frame.contentWindow || event.origin !== this.#origin) return;
    const data = event.data;
    const ours = data && typeof data === "object" ? data.chatsessions : undefined;
    if (ours === "call_fn") this.#call(data);
    else if (ours === "ready") this.#ready();
    else if (ours === "token") this.#hello();
    else if (ours === "refused") this.#fail(this.#t("The chat cannot log you in: %(reason)s", { reason: String(data.detail) }));
  }

  async #call({ id, name, args }) {
    const answer = (reply) => this.#frame.contentWindow.postMessage({ chatsessions: "call_fn_result", id, ...reply }, this.#origin);
    const fn = this.#functions.get(name);
    if (fn) {
      try {
        answer({ result: (await fn(args)) ?? null });
      } catch (error) {
        answer({ error: String(error?.message || error) });
      }
      return;
    }
    let answered = false;
    const callback = (result) => {
      if (answered) return;
      answered = true;
      answer({ result: result ?? null });
    };
    const event = new CustomEvent("chainlit-call-fn", { detail: { name, args, callback }, bubbles: true, cancelable: true });
    this.dispatchEvent(event);
    if (!answered && !event.defaultPrevented) {
      answered = true;
      answer({ error: `no function named ${JSON.stringify(name)} is registered on this page` });
    }
  }
}

if (!customElements.get("chat-widget")) customElements.define("chat-widget", ChatWidget);
