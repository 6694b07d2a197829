// The page's words in the user's language. The server renders the catalog of the page's
// strings (chatsessions/web/page_strings.py) in the active language into the page, as
// JSON; a string with no translation, or a page with no catalog (Node's tests), keeps
// its English. %(name)s in a string stands for values.name, as in Python.

let catalog = null;

function load() {
  const element = globalThis.document?.getElementById("chatsessions-catalog");
  return element ? JSON.parse(element.textContent) : {};
}

export function t(text, values = {}) {
  catalog ??= load();
  const translated = catalog[text] || text;
  return translated.replace(/%\((\w+)\)s/g, (_, name) => String(values[name] ?? ""));
}

// Tests give the catalog they check with.
export function useCatalog(entries) {
  catalog = entries;
}
