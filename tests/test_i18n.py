"""The page in the user's language: the scripts' strings are the catalog's, the shipped
translations (French, and Arabic, right to left) are complete and compiled, and in
Chromium the page follows the browser's language, else LANGUAGE_CODE, and lays Arabic
out from the right."""

from __future__ import annotations

import gettext
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from websockets.sync.client import connect

from chatsessions.web.page_strings import PAGE_STRINGS, WIDGET_STRINGS
from tests.browsing import last_reply, logged_in, say
from tests.conftest import require
from tests.servers import ROOT, demo_server

PACKAGE = ROOT / "chatsessions"
STATIC = PACKAGE / "static" / "chatsessions"
SCRIPTS = [*(STATIC / "page").glob("*.js"), STATIC / "chat.js"]
LANGUAGES = ("fr", "ar")
ASSISTANT = "/chat/assistant/"


def po_entries(path: Path) -> dict[str, str]:
    """A .po file's messages (msgid to msgstr), the header left out; fuzzy ones fail."""
    text = path.read_text()
    assert "#, fuzzy" not in text, f"{path} has fuzzy translations"
    entries = {}
    for block in text.split("\n\n"):
        found = re.search(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', block + "\n", re.M)
        if found:
            msgid, msgstr = (
                "".join(json.loads(line) for line in re.findall(r'"(?:[^"\\]|\\.)*"', part))
                for part in found.groups()
            )
            if msgid:
                entries[msgid] = msgstr
    return entries


def called(pattern: str, scripts: list[Path]) -> set[str]:
    return {json.loads(f'"{text}"') for script in scripts for text in re.findall(pattern, script.read_text())}


def test_the_scripts_strings_are_the_catalogs():
    assert called(r'\bt\("((?:[^"\\]|\\.)*)"', SCRIPTS) == set(PAGE_STRINGS)
    assert called(r'this\.#t\("((?:[^"\\]|\\.)*)"', [STATIC / "widget.js"]) == set(WIDGET_STRINGS)


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_shipped_translation_is_complete_and_compiled(language):
    folder = PACKAGE / "locale" / language / "LC_MESSAGES"
    entries = po_entries(folder / "django.po")
    untranslated = [msgid for msgid, msgstr in entries.items() if not msgstr]
    assert untranslated == []
    assert set(PAGE_STRINGS) <= set(entries)
    # Placeholders survive translation: %(name)s and the confirm dialog's markup.
    for msgid, msgstr in entries.items():
        assert sorted(re.findall(r"%\(\w+\)s|<[^>]+>", msgid)) == sorted(
            re.findall(r"%\(\w+\)s|<[^>]+>", msgstr)
        ), msgid
    with open(folder / "django.mo", "rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog
    assert {key: value for key, value in catalog.items() if key} == entries, "run compilemessages"


def test_makemessages_finds_no_string_the_translations_lack(tmp_path):
    """Every string marked in the package (templates, Python, the page's list) is in the
    shipped .po files: makemessages, run afresh, adds none."""
    require(shutil.which("xgettext") is not None, "GNU gettext (xgettext) is not installed")
    copy = tmp_path / "chatsessions"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    env = {"DJANGO_SETTINGS_MODULE": "chatsite.settings", "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    languages = [f"-l{code}" for code in LANGUAGES]
    # -P: the working directory is the package's folder, whose types.py is not Python's.
    command = [sys.executable, "-P", "-m", "django", "makemessages", "--no-obsolete", *languages]
    done = subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    for language in LANGUAGES:
        fresh = po_entries(copy / "locale" / language / "LC_MESSAGES" / "django.po")
        shipped = po_entries(PACKAGE / "locale" / language / "LC_MESSAGES" / "django.po")
        assert set(fresh) == set(shipped), set(fresh) ^ set(shipped)


@pytest.fixture(scope="module")
def server(own_demo_server: Any) -> Any:
    return own_demo_server


@pytest.fixture
def login(browser: Any, server: Any) -> Any:
    with logged_in(browser, server) as log_in:
        yield log_in


def test_the_page_speaks_french_when_the_browser_asks(browser, server, login):
    visitor = browser.new_page(locale="fr-FR")
    visitor.goto(server.base + ASSISTANT)
    # "Log in" is Django's admin's too, and an app listed earlier in INSTALLED_APPS wins.
    expect(visitor.locator("h1")).to_have_text("Connexion")
    expect(visitor.locator("label[for=id_password]")).to_have_text("Mot de passe")
    visitor.close()
    page = login("alice", ASSISTANT, locale="fr-FR")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator(".cs-status")).to_have_text("Connecté")
    expect(page.locator(".cs-title")).to_have_text("Nouvelle discussion")
    expect(page.locator(".cs-input")).to_have_attribute(
        "placeholder", re.compile(r"^Message \(Entrée envoie")
    )
    expect(page.locator(".cs-send")).to_have_text("Envoyer")
    say(page, "bonjour")
    expect(last_reply(page)).to_contain_text("bonjour")
    expect(page.locator(".cs-message.cs-user .cs-author").last).to_have_text("Vous")
    page.reload()
    expect(page.locator(".cs-status")).to_have_text("Connecté (reprise)")
    expect(page.locator(".cs-chat-list")).to_contain_text("Aujourd\u2019hui")
    page.locator(".cs-toggle-settings").click()
    expect(page.locator("dialog.cs-drawer[open] h2")).to_have_text("Réglages de la discussion")
    page.keyboard.press("Escape")
    # No English word of the page's own is left on it (what alice and the handler wrote
    # aside).
    chrome = page.evaluate(
        """() => {
        const copy = document.body.cloneNode(true);
        const theirs = '.cs-message, .cs-chat-list a, script, style, .cs-starters';
        copy.querySelectorAll(theirs).forEach((n) => n.remove());
        return copy.innerText;
    }"""
    )
    english = [
        text for text in ("New chat", "Search your chats", "Connected", "Send", "Log out") if text in chrome
    ]
    assert english == [], chrome


def test_the_page_follows_language_code_when_the_browser_asks_for_no_language_it_has(browser, tmp_path):
    french = demo_server(tmp_path, DJANGO_LANGUAGE_CODE="fr")
    try:
        with logged_in(browser, french) as log_in:
            page = log_in("alice", ASSISTANT, locale="de-DE")
            expect(page.locator("html")).to_have_attribute("lang", "fr")
            expect(page.locator(".cs-title")).to_have_text("Nouvelle discussion")
    finally:
        french.stop()


def test_arabic_is_laid_out_from_the_right(login):
    page = login("alice", ASSISTANT, locale="ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator(".cs-status")).to_have_text("متصل")
    say(page, "مرحبا")
    expect(last_reply(page)).to_contain_text("مرحبا")
    sidebar = page.locator(".cs-sidebar").bounding_box()
    chat = page.locator(".cs-chat").bounding_box()
    assert sidebar["x"] > chat["x"], (sidebar, chat)  # the chat list on the right
    user = page.locator(".cs-message.cs-user").last.bounding_box()
    reply = page.locator(".cs-message.cs-assistant").last.bounding_box()
    assert user["x"] < reply["x"], (user, reply)  # the user's own messages on the left
    composer = page.locator(".cs-input").bounding_box()
    send = page.locator(".cs-send").bounding_box()
    assert send["x"] < composer["x"], (send, composer)  # Send at the end: the left
    # The chevron that hides the list points to the right, where the list goes.
    flipped = "getComputedStyle(document.querySelector('.cs-hide-sidebar')).transform"
    assert page.evaluate(flipped) == "matrix(-1, 0, 0, 1, 0, 0)"
    page.locator(".cs-toggle-settings").click()
    drawer = page.locator("dialog.cs-drawer[open]").bounding_box()
    assert drawer["x"] < 10, drawer  # the drawer comes from the end: the left
    page.keyboard.press("Escape")
    if os.environ.get("SCREENSHOTS") == "docs":
        page.screenshot(path=str(ROOT / "docs" / "chat-arabic.png"))


def test_the_servers_refusals_speak_the_browsers_language(server):
    """An error frame on a socket, and a JSON refusal over HTTP, in the language the
    browser asks for (the demo has LocaleMiddleware); English where it asks for none."""

    def refusal_on_a_socket(language: str | None) -> dict:
        headers = {"Origin": server.base, **({"Accept-Language": language} if language else {})}
        url = server.base.replace("http", "ws") + "/ws/chat/nonesuch/"
        with connect(url, additional_headers=headers, open_timeout=10) as socket:
            return json.loads(socket.recv(timeout=10))

    def refusal_over_http(language: str) -> dict:
        request = urllib.request.Request(
            server.base + "/chat/api/default/chats/", headers={"Accept-Language": language}
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 401
        return json.loads(refused.value.read())

    assert (
        refusal_on_a_socket("fr-FR,fr;q=0.9")["detail"]
        == "aucune application de discussion nommée 'nonesuch'"
    )
    assert refusal_on_a_socket("ar")["detail"] == "لا يوجد تطبيق محادثة باسم 'nonesuch'"
    assert refusal_on_a_socket(None)["detail"] == "no chat app named 'nonesuch'"
    assert refusal_over_http("fr")["detail"] == "connectez-vous pour voir vos discussions"
    assert refusal_over_http("en")["detail"] == "log in to see your chats"


def test_the_copilot_widget_speaks_the_pages_language(login, server):
    """{% chat_widget %} gives the widget its words in the page's language."""
    page = login("alice", ASSISTANT, locale="fr-FR")
    page.goto(server.base + "/product/")
    widget = page.locator("chat-widget")
    expect(widget.locator("button.close")).to_have_attribute("aria-label", "Fermer la discussion")
