// The page's translation function (chatsessions/static/chatsessions/page/i18n.js), run
// with Node's built-in test runner: `node --test tests/js/`.

import assert from "node:assert/strict";
import { test } from "node:test";

import { t, useCatalog } from "../../chatsessions/static/chatsessions/page/i18n.js";
import { afterClose } from "../../chatsessions/static/chatsessions/page/rules.js";

test("with no catalog (no page), a string keeps its English, with its values put in", () => {
  useCatalog({});
  assert.equal(t("New chat"), "New chat");
  assert.equal(t("Remove %(name)s", { name: "a.csv" }), "Remove a.csv");
  assert.equal(t("Choose up to %(count)s files", { count: 3 }), "Choose up to 3 files");
});

test("a catalog's translation is used, its placeholders filled wherever it puts them", () => {
  useCatalog({ "Delete “%(title)s”": "حذف «%(title)s»", "New chat": "Nouvelle discussion" });
  assert.equal(t("New chat"), "Nouvelle discussion");
  assert.equal(t("Delete “%(title)s”", { title: "Plans" }), "حذف «Plans»");
  assert.equal(t("Tools"), "Tools"); // not in the catalog: English
  assert.equal(t("Remove %(name)s"), "Remove "); // a value not given: nothing, never "undefined"
});

test("the page's decisions speak the catalog's language", () => {
  useCatalog({ "Logged out": "Déconnecté" });
  assert.equal(afterClose(4401, { NOT_LOGGED_IN: 4401 }, 0).text, "Déconnecté");
  useCatalog({});
});
