// Files on the chat page: the elements a message shows (images, text, PDFs, charts,
// tables, sound and video players, downloads) and the files the user attaches, uploaded
// over HTTP with a progress bar each.

import { showCustom } from "./custom.js";
import { downloadUrl, shownAs, sizeText } from "./rules.js";
import { embed, keyHeaders } from "./shared.js";
import { t } from "./i18n.js";

function node(tag, className, text) {
  const made = document.createElement(tag);
  if (className) made.className = className;
  if (text !== undefined) made.textContent = text;
  return made;
}

// A chat embedded in another site's page has no cookie of this site: its files are
// fetched with its key (shared.js's embed.key) and shown from blob URLs.
const keyed = (url) => Boolean(embed.key) && new URL(url, location.href).origin === location.origin;

async function blobUrl(url) {
  const response = await fetch(url, { headers: keyHeaders() });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return URL.createObjectURL(await response.blob());
}

// Gives use the URL to show url by: itself, or a blob URL where it needs the key.
function withSource(url, failed, use) {
  if (!keyed(url)) use(url);
  else blobUrl(url).then(use, failed);
}

function download(element) {
  const link = node("a", "cs-file");
  link.href = downloadUrl(element.url);
  if (keyed(link.href)) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      blobUrl(link.href).then((made) => {
        const save = node("a");
        save.href = made;
        save.download = element.name;
        save.click();
      });
    });
  }
  link.download = element.name;
  link.append(node("span", "cs-file-name", element.name), node("span", "cs-file-size", sizeText(element.size)));
  return link;
}

// Plotly's bundle is large: it loads with the first chart, once.
let plotly = null;
function loadPlotly(src, cssSrc) {
  plotly ??= new Promise((resolve, reject) => {
    // Plotly's own stylesheet, under the id Plotly looks for: with its class, Plotly
    // adds no <style> of its own, which the page's Content-Security-Policy forbids.
    const styles = document.createElement("link");
    styles.rel = "stylesheet";
    styles.id = "plotly.js-style-global";
    styles.className = "no-inline-styles";
    styles.href = cssSrc;
    document.head.append(styles);
    const script = document.createElement("script");
    script.src = src;
    script.onload = () => resolve(window.Plotly);
    script.onerror = () => reject(new Error("the chart library did not load"));
    document.head.append(script);
  });
  return plotly;
}

async function fetchContent(url, as) {
  const response = await fetch(url, { credentials: "same-origin", headers: keyed(url) ? keyHeaders() : {} });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return as === "json" ? response.json() : response.text();
}

// One element, as its type shows; a failure shows as a download link with the reason.
// An element displayed "side" or "page" shows as a link that opens it there.
export function showElement(element, options) {
  if ((element.display === "side" || element.display === "page") && options.openElement) {
    const link = node("button", "cs-element-link", element.name);
    link.type = "button";
    link.dataset.display = element.display;
    link.dataset.id = element.id;
    link.addEventListener("click", () => options.openElement(element, options));
    return link;
  }
  const box = node("figure", `cs-element cs-element-${element.type}`);
  box.dataset.name = element.name;
  box.dataset.id = element.id;
  const caption = node("figcaption", "", element.name);
  const failed = (error) => box.replaceChildren(download(element), node("span", "cs-element-error", String(error.message || error)));
  const kind = shownAs(element);
  if (kind === "image") {
    const image = node("img");
    const link = node("a");
    withSource(element.url, failed, (shown) => {
      image.src = shown;
      link.href = shown;
    });
    image.alt = element.name;
    image.loading = "lazy";
    image.addEventListener("load", () => options.onResize?.());
    link.target = "_blank";
    link.rel = "noopener";
    link.append(image);
    box.append(link, caption);
  } else if (kind === "pdf") {
    const viewer = node("iframe", "cs-pdf");
    withSource(element.url, failed, (shown) => (viewer.src = shown + (element.page ? `#page=${element.page}` : "")));
    viewer.title = element.name;
    box.append(viewer, download(element));
  } else if (kind === "text") {
    const code = node("code", element.language ? `language-${element.language}` : "");
    const block = node("pre");
    block.append(code);
    box.append(caption, block);
    fetchContent(element.url, "text").then((text) => {
      code.textContent = text;
      if (element.language && window.Prism?.languages[element.language]) window.Prism.highlightElement(code);
      options.onResize?.();
    }, failed);
  } else if (kind === "plotly") {
    const chart = node("div", "cs-chart");
    box.append(chart);
    Promise.all([loadPlotly(options.plotlySrc, options.plotlyCss), fetchContent(element.url, "json")]).then(([Plotly, figure]) => {
      Plotly.newPlot(chart, figure.data || [], { autosize: true, ...(figure.layout || {}) }, { responsive: true, displaylogo: false });
      options.onResize?.();
    }, failed);
  } else if (kind === "audio" || kind === "video") {
    const player = node(kind, `cs-${kind}`);
    player.controls = true;
    player.preload = "metadata";
    withSource(element.url, failed, (shown) => (player.src = shown));
    if (element.auto_play) player.autoplay = true;
    player.addEventListener("loadedmetadata", () => options.onResize?.());
    player.addEventListener("error", () => failed(new Error(`this ${kind} cannot be played here`)));
    box.append(player, caption);
  } else if (kind === "dataframe") {
    box.append(caption);
    fetchContent(element.url, "json").then((frame) => {
      box.append(dataTable(frame));
      options.onResize?.();
    }, failed);
  } else if (kind === "custom") {
    showCustom(box, element);
  } else {
    box.append(download(element));
  }
  return box;
}

// A table of a DataFrame in pandas' "split" layout ({columns, index, data}), its
// cells as text.
function dataTable(frame) {
  const table = node("table", "cs-dataframe");
  const head = node("tr");
  for (const column of frame.columns || []) head.append(node("th", "", String(column)));
  table.append(node("thead"), node("tbody"));
  table.tHead.append(head);
  for (const row of frame.data || []) {
    const line = node("tr");
    for (const cell of row) line.append(node("td", "", cell === null ? "" : String(cell)));
    table.tBodies[0].append(line);
  }
  const scroller = node("div", "cs-dataframe-box");
  scroller.append(table);
  return scroller;
}

// The elements of a message (or a step), under its content (replacing any shown before).
export function showElements(item, elements, options, after = item.querySelector(":scope > .cs-content")) {
  after.parentElement.querySelector(":scope > .cs-elements")?.remove();
  if (!elements || !elements.length) return;
  const list = node("div", "cs-elements");
  list.append(...elements.map((element) => showElement(element, options)));
  after.after(list);
}

// An element removed by its handler goes from wherever it shows.
export function removeElement(id) {
  for (const shown of document.querySelectorAll(`.cs-elements > [data-id="${CSS.escape(id)}"]`)) shown.remove();
}

// Files attached in the composer, each uploaded at once with its own progress bar.
export class Attachments {
  constructor(list, { uploadUrl, csrfToken, onChange }) {
    this.list = list;
    this.uploadUrl = uploadUrl; // a function of the chat's id
    this.csrfToken = csrfToken;
    this.onChange = onChange;
    this.items = [];
  }

  add(files, sessionId) {
    for (const file of files) this.upload(file, sessionId);
    this.onChange();
  }

  upload(file, sessionId) {
    const chip = node("li", "cs-attachment");
    const bar = node("progress", "cs-progress");
    bar.max = 1;
    bar.value = 0;
    const remove = node("button", "cs-remove-attachment", "×");
    remove.type = "button";
    remove.setAttribute("aria-label", t("Remove %(name)s", { name: file.name }));
    chip.append(node("span", "cs-file-name", file.name), node("span", "cs-file-size", sizeText(file.size)), bar, remove);
    this.list.append(chip);
    const entry = { chip, state: "uploading", described: null };
    this.items.push(entry);
    const request = new XMLHttpRequest();
    request.open("POST", this.uploadUrl(sessionId));
    request.setRequestHeader("X-CSRFToken", this.csrfToken());
    for (const [name, value] of Object.entries(keyHeaders())) request.setRequestHeader(name, value);
    request.setRequestHeader("Accept", "application/json");
    request.responseType = "json";
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) bar.value = event.loaded / event.total;
    });
    const settle = (state, reason) => {
      entry.state = state;
      chip.dataset.state = state;
      bar.remove();
      if (reason) {
        chip.title = reason;
        chip.append(node("span", "cs-attachment-error", reason));
      }
      this.onChange();
    };
    request.addEventListener("load", () => {
      const body = request.response || {};
      if (request.status === 201 && body.files?.length) {
        entry.described = body.files[0];
        settle("done");
      } else {
        settle("failed", body.detail || `refused (HTTP ${request.status})`);
      }
    });
    request.addEventListener("error", () => settle("failed", "the upload failed; check your connection"));
    remove.addEventListener("click", () => {
      request.abort();
      chip.remove();
      this.items = this.items.filter((other) => other !== entry);
      this.onChange();
    });
    const form = new FormData();
    form.append("file", file, file.name);
    request.send(form);
  }

  get uploading() {
    return this.items.some((entry) => entry.state === "uploading");
  }

  get failed() {
    return this.items.some((entry) => entry.state === "failed");
  }

  get ready() {
    return this.items.filter((entry) => entry.state === "done").map((entry) => entry.described);
  }

  clear() {
    this.items = [];
    this.list.replaceChildren();
    this.onChange();
  }
}

