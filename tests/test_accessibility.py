"""Accessibility in headless Chromium: axe-core (the copy axe-playwright-python bundles)
against the chat page in both themes and on a phone, its sidebar and dialogs, and the
admin pages the app adds, with no serious or critical violation (axe's color-contrast
rule is WCAG AA's); a keyboard-only user who chats from the first key to the logout; and
new messages in a polite live region, busy while they stream."""

from __future__ import annotations

import re
from typing import Any

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import expect

from tests.browsing import admin_page, last_reply, logged_in, say

ASSISTANT = "/chat/assistant/"
#: WCAG 2.1 A and AA, and axe's best practices.
OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
}


@pytest.fixture(scope="module")
def server(own_demo_server: Any) -> Any:
    return own_demo_server


@pytest.fixture
def login(browser: Any, server: Any) -> Any:
    with logged_in(browser, server) as log_in:
        yield log_in


def serious(page: Any, context: Any = None) -> list[str]:
    """axe's serious and critical violations on page (or within context), one line each."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    found = page.evaluate(
        "([context, options]) => axe.run(context || document, options).then((r) => r.violations)",
        [context, OPTIONS],
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']}: "
        + "; ".join(" ".join(node["target"]) for node in violation["nodes"][:4])
        + f" ({violation['nodes'][0].get('failureSummary', '')})"
        for violation in found
        if violation["impact"] in ("serious", "critical")
    ]


def accessible(page: Any, context: Any = None) -> None:
    problems = serious(page, context)
    assert not problems, "\n".join(problems)


def a_full_chat(page: Any) -> None:
    """Messages of every kind the assistant sends: text, a step, a menu's buttons, code."""
    say(page, "look up Django Channels")
    expect(last_reply(page)).to_contain_text("Here is what I found")
    say(page, "show me the menu")
    expect(last_reply(page)).to_have_text("What next?")
    say(page, "hello `code` and **bold**")
    expect(last_reply(page)).to_contain_text("You said")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_chat_page_its_sidebar_and_dialogs_have_no_serious_violations(login, scheme):
    page = login("alice", ASSISTANT, color_scheme=scheme)
    a_full_chat(page)
    accessible(page)
    page.locator(".cs-toggle-settings").click()
    expect(page.locator("dialog.cs-drawer[open]")).to_have_count(1)
    accessible(page, "dialog.cs-drawer[open]")
    page.keyboard.press("Escape")
    page.locator(".cs-toggle-env").click()
    accessible(page, "dialog.cs-drawer[open]")
    page.keyboard.press("Escape")
    page.reload()  # the chat list now holds the chat: its menu and the delete dialog
    expect(page.locator(".cs-chat-list a").first).to_be_visible()
    accessible(page, ".cs-sidebar")
    page.locator(".cs-chat-list .cs-chat-item").first.hover()
    page.locator(".cs-chat-list .cs-delete").first.click()
    expect(page.locator("dialog.cs-confirm[open]")).to_have_count(1)
    accessible(page, "dialog.cs-confirm")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_chat_page_on_a_phone_has_no_serious_violations(login, scheme):
    page = login("bob", ASSISTANT, color_scheme=scheme, viewport={"width": 390, "height": 760})
    a_full_chat(page)
    accessible(page)
    page.locator(".cs-show-sidebar").click()
    accessible(page)


def test_the_admin_pages_the_app_adds_have_no_serious_violations(login, browser, server):
    chat = login("alice", ASSISTANT)
    a_full_chat(chat)
    page = admin_page(browser, server, "/admin/chatsessions/chatsession/")
    expect(page.locator("#result_list")).to_be_visible()
    # Django's own search form names its field by an image's alt text alone: Django's
    # markup (admin/search_form.html), not the app's.
    accessible(page, {"include": ["#content"], "exclude": ["#searchbar"]})
    page.locator("#result_list tbody a").first.click()
    expect(page.locator("#content h1")).to_be_visible()
    accessible(page, "#content")
    for listing in ("chatfile", "usermetadata"):
        page.goto(f"{server.base}/admin/chatsessions/{listing}/")
        expect(page.locator("#content h1")).to_be_visible()
        accessible(page, {"include": ["#content"], "exclude": ["#searchbar"]})
    page.context.close()


def test_a_keyboard_alone_chats_stops_answers_clicks_sets_and_leaves(login, server):
    page = login("alice", ASSISTANT)
    keyboard = page.keyboard

    def tab_to(selector: str, limit: int = 40, key: str = "Tab") -> None:
        """Tabs (or Shift+Tabs) until the focus is on selector, as a keyboard user would."""
        target = page.locator(selector)
        for _ in range(limit):
            if target.evaluate("(element) => element === document.activeElement"):
                return
            keyboard.press(key)
        raise AssertionError(f"{key} never reached {selector}")

    # Open a new chat from the chat list's button.
    tab_to(".cs-new-chat")
    keyboard.press("Enter")
    expect(page.locator(".cs-status")).to_have_attribute("data-state", "connected")
    tab_to(".cs-input")
    keyboard.type("hello")
    keyboard.press("Enter")
    expect(last_reply(page)).to_contain_text("You said: hello")
    # A slow answer (the settings' delay), stopped with Escape from the message box.
    tab_to(".cs-toggle-settings")
    keyboard.press("Enter")
    dialog = page.locator("dialog.cs-drawer[open]")
    expect(dialog).to_have_count(1)
    tab_to("dialog.cs-drawer[open] input[name=delay]")
    keyboard.press("End")  # the slider's most: 500 ms between tokens
    tab_to("dialog.cs-drawer[open] button[type=submit]")
    keyboard.press("Enter")  # Apply settings
    expect(dialog).to_have_count(0)
    tab_to(".cs-input")
    keyboard.type("one two three four five six seven eight")
    keyboard.press("Enter")
    expect(page.locator(".cs-stop")).to_be_visible()
    keyboard.press("Escape")
    expect(page.locator(".cs-stop")).to_be_hidden()
    expect(page.locator(".cs-composer")).to_have_attribute("data-running", "false")
    # A question, answered by typing; then its buttons, pressed with the keyboard.
    tab_to(".cs-input")
    keyboard.type("ask me my name")
    keyboard.press("Enter")
    expect(last_reply(page)).to_have_text("What should I call you?")
    keyboard.type("Ada")
    keyboard.press("Enter")
    expect(last_reply(page)).to_have_text("Shall I remember Ada?")
    tab_to(".cs-action >> text=Yes", key="Shift+Tab")  # back from the message box
    keyboard.press("Enter")
    expect(last_reply(page)).to_have_text("Nice to meet you, Ada.")
    # Leave: the account bar's Log out, by keyboard.
    tab_to("form[action*=logout] button", limit=80)
    keyboard.press("Enter")
    # Logged out; the closed socket may send the page to the login first.
    expect(page).to_have_url(re.compile(r"/accounts/(logout/$|login/\?next=)"))


def test_new_messages_are_announced_once_whole(login):
    page = login("alice", ASSISTANT)
    messages = page.locator(".cs-messages")
    expect(messages).to_have_attribute("aria-live", "polite")
    # Whether the list was busy at each change: a streamed reply is announced when whole.
    page.evaluate(
        """() => {
        const list = document.querySelector('.cs-messages');
        window.busyAtChanges = [];
        new MutationObserver(() => window.busyAtChanges.push(list.getAttribute('aria-busy')))
          .observe(list, {childList: true, subtree: true, characterData: true});
    }"""
    )
    say(page, "one two three four five")
    expect(last_reply(page)).to_have_text("You said: one two three four five")
    expect(messages).to_have_attribute("aria-busy", "false")
    changes = page.evaluate("window.busyAtChanges")
    assert "true" in changes, changes  # busy while the tokens came
    # The status line says each state; the notices interrupt.
    expect(page.locator(".cs-status")).to_have_attribute("role", "status")
    expect(page.locator(".cs-notices")).to_have_attribute("aria-live", "assertive")
