"""The chat page as a chat app, in headless Chromium: the sidebar of past chats (reopen,
rename, delete, search), older messages on scroll, the keyboard, copy buttons, the
narrow layout and dark mode. A demo server of its own, so the users' lists start empty.

SCREENSHOTS=docs saves the documentation's screenshots under docs/, else in a temp dir.
"""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from chatsessions.testing import ChatClient
from tests.browsing import last_reply, logged_in, say
from tests.servers import ROOT

WIDE = {"width": 1200, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server(own_demo_server: Any) -> Any:
    return own_demo_server


@pytest.fixture
def login(browser: Any, server: Any) -> Any:
    with logged_in(browser, server) as log_in:
        yield lambda username, path="/chat/", **options: log_in(
            username, path, **{"viewport": WIDE, **options}
        )


def sidebar_titles(page: Any) -> Any:
    return page.locator(".cs-chat-item .cs-chat-link")


def new_chat(page: Any) -> None:
    page.click(".cs-new-chat")
    expect(page.locator(".cs-message")).to_have_count(0)
    expect(page.locator(".cs-status")).to_have_text("Connected")


def test_past_chats_are_listed_and_one_reopens_where_it_was(login):
    page = login("alice")
    expect(page.locator(".cs-list-empty")).to_have_text("No chats yet.")
    say(page, "Apples or pears?")
    expect(last_reply(page)).to_have_text("You sent 1 message(s)!")
    say(page, "bananas, then")
    expect(last_reply(page)).to_have_text("You sent 2 message(s)!")
    new_chat(page)
    say(page, "Plans for the weekend")
    expect(last_reply(page)).to_have_text("You sent 1 message(s)!")

    page.reload()
    expect(page.locator(".cs-chat-list h3")).to_have_text(["Today"])
    expect(sidebar_titles(page)).to_have_text(["Plans for the weekend", "Apples or pears?"])
    expect(page.locator(".cs-chat-item[aria-current=true]")).to_have_text("Plans for the weekend")
    expect(page.locator(".cs-title")).to_have_text("Plans for the weekend")

    sidebar_titles(page).filter(has_text="Apples or pears?").click()
    expect(page.locator(".cs-status")).to_have_text("Connected (resumed)")
    expect(page.locator(".cs-title")).to_have_text("Apples or pears?")
    expect(page.locator(".cs-message .cs-content")).to_have_text(
        ["Apples or pears?", "You sent 1 message(s)!", "bananas, then", "You sent 2 message(s)!"]
    )
    expect(page.locator(".cs-message time").first).to_have_text(re.compile(r"\d\d:\d\d"))
    say(page, "and one more")
    expect(last_reply(page)).to_have_text("You sent 3 message(s)!")
    # The reopened chat has the newest activity now.
    expect(sidebar_titles(page)).to_have_text(["Apples or pears?", "Plans for the weekend"])


def test_the_search_finds_a_chat_by_a_word_in_its_messages(login):
    page = login("alice")
    say(page, "A question about the garden")
    say(page, "tell me about rhododendrons")
    expect(last_reply(page)).to_have_text("You sent 2 message(s)!")
    page.fill(".cs-search", "RHODODENDRON")
    expect(sidebar_titles(page)).to_have_text(["A question about the garden"])
    page.fill(".cs-search", "no chat has this word")
    expect(sidebar_titles(page)).to_have_count(0)
    expect(page.locator(".cs-list-empty")).to_have_text("No chat matches.")
    page.fill(".cs-search", "")
    expect(sidebar_titles(page).first).to_have_text("A question about the garden")


def test_a_chat_is_renamed_and_another_deleted(login):
    page = login("alice")
    say(page, "to be renamed")
    expect(last_reply(page)).to_have_text("You sent 1 message(s)!")
    new_chat(page)
    say(page, "to be deleted")
    expect(last_reply(page)).to_have_text("You sent 1 message(s)!")
    expect(sidebar_titles(page).first).to_have_text("to be deleted")

    item = page.locator(".cs-chat-item").filter(has_text="to be renamed")
    item.hover()
    item.locator(".cs-rename").click()
    page.keyboard.press("Control+A")
    page.keyboard.type("Holiday plans")
    page.keyboard.press("Enter")
    expect(page.locator(".cs-chat-item").filter(has_text="Holiday plans")).to_have_count(1)

    # Deleting the open chat: it asks first; Cancel keeps it.
    current = page.locator(".cs-chat-item[aria-current=true]")
    expect(current).to_have_text("to be deleted")
    current.locator(".cs-delete").click()
    expect(page.locator(".cs-confirm")).to_contain_text("to be deleted")
    page.click(".cs-confirm button[value=cancel]")
    expect(sidebar_titles(page).filter(has_text="to be deleted")).to_have_count(1)
    current.locator(".cs-delete").click()
    page.click(".cs-confirm button[value=delete]")
    expect(sidebar_titles(page).filter(has_text="to be deleted")).to_have_count(0)
    # A new chat took its place on screen.
    expect(page.locator(".cs-status")).to_have_text("Connected")
    expect(page.locator(".cs-message")).to_have_count(0)

    page.reload()
    expect(sidebar_titles(page).filter(has_text="Holiday plans")).to_have_count(1)
    expect(sidebar_titles(page).filter(has_text="to be deleted")).to_have_count(0)


def test_another_user_sees_none_of_them(login):
    page = login("bob")
    expect(page.locator(".cs-list-empty")).to_have_text("No chats yet.")
    expect(sidebar_titles(page)).to_have_count(0)


def test_older_messages_load_as_the_user_scrolls_up(login, server):
    # The sync client: Playwright holds this thread's event loop.
    with ChatClient("default", server=server.base, cookie=server.login("alice"), timeout=10) as chat:
        for n in range(1, 131):  # 260 messages: past the 200 a resume replays
            chat.send(f"long chat {n}")
    page = login("alice")
    sidebar_titles(page).filter(has_text="long chat 1").click()
    expect(page.locator(".cs-status")).to_have_text("Connected (resumed)")
    expect(page.locator(".cs-message")).to_have_count(200)
    expect(page.locator(".cs-message .cs-content").first).to_have_text("long chat 31")
    expect(page.locator(".cs-message .cs-content").last).to_have_text("You sent 130 message(s)!")
    page.locator(".cs-scroll").evaluate("element => element.scrollTo(0, 0)")
    expect(page.locator(".cs-message")).to_have_count(250)
    page.locator(".cs-scroll").evaluate("element => element.scrollTo(0, 0)")
    expect(page.locator(".cs-message")).to_have_count(260)
    expect(page.locator(".cs-message .cs-content").first).to_have_text("long chat 1")
    expect(page.locator(".cs-older")).to_be_hidden()


def test_escape_stops_a_running_reply(login):
    page = login("alice", "/chat/assistant/")
    page.click(".cs-toggle-settings")
    page.fill(".cs-settings input[name=delay]", "500")
    page.click(".cs-settings button[type=submit]")
    expect(last_reply(page)).to_have_text("Tone is now plain.")
    say(page, "a long message that takes a good while to stream back")
    expect(page.locator(".cs-message.cs-streaming")).to_have_count(1)
    page.keyboard.press("Escape")
    expect(last_reply(page)).to_have_text("(stopped)")
    expect(page.locator(".cs-stop")).to_be_hidden()


def test_code_is_highlighted_and_copied(login):
    page = login("alice", permissions=["clipboard-read", "clipboard-write"])
    say(page, "```python\ndef greet(name):\n    return f'hello {name}'\n```")
    expect(last_reply(page)).to_have_text("You sent 1 message(s)!")
    code = page.locator(".cs-message.cs-user .cs-code")
    expect(code.locator(".token.keyword").first).to_have_text("def")
    code.hover()
    code.locator(".cs-copy").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("def greet(name):") and "return f'hello {name}'" in copied
    reply = page.locator(".cs-message.cs-assistant").last
    reply.locator(".cs-meta .cs-copy").click()
    assert page.evaluate("navigator.clipboard.readText()") == "You sent 1 message(s)!"


def screenshots_folder(tmp_path: Any) -> Any:
    return ROOT / "docs" if os.environ.get("SCREENSHOTS") == "docs" else tmp_path


def a_conversation(page: Any) -> None:
    say(page, "Where is the **treasure**?")
    expect(last_reply(page)).to_contain_text("matey")
    say(page, "Show me the map as code:\n```python\nmap = {'x': 3, 'y': 7}  # paces\nprint(map)\n```")
    expect(last_reply(page)).to_contain_text("map")
    expect(page.locator(".cs-stop")).to_be_hidden()  # the reply has streamed to its end


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_wide_and_narrow_layouts_in_light_and_dark(login, tmp_path, scheme):
    folder = screenshots_folder(tmp_path)
    page = login("alice", "/chat/assistant/", color_scheme=scheme)
    page.click(".cs-toggle-settings")
    page.select_option(".cs-settings select[name=tone]", "pirate")
    page.click(".cs-settings button[type=submit]")
    expect(last_reply(page)).to_have_text("Tone is now pirate.")
    a_conversation(page)
    background = page.locator(".cs-app").evaluate("element => getComputedStyle(element).backgroundColor")
    assert background == ("rgb(13, 17, 23)" if scheme == "dark" else "rgb(255, 255, 255)")
    expect(page.locator(".cs-sidebar")).to_be_visible()
    page.screenshot(path=folder / f"chat-wide-{scheme}.png")

    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.locator(".cs-status")).to_have_text("Connected (resumed)")
    # On a phone the list starts hidden, and nothing is wider than the screen.
    expect(page.locator(".cs-sidebar")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expect(page.locator(".cs-input")).to_be_in_viewport()
    page.screenshot(path=folder / f"chat-narrow-{scheme}.png")
    page.click(".cs-show-sidebar")
    expect(page.locator(".cs-sidebar")).to_be_visible()
    page.screenshot(path=folder / f"chat-narrow-list-{scheme}.png")
    # Opening a chat from the list hides the list again.
    sidebar_titles(page).first.click()
    expect(page.locator(".cs-sidebar")).to_be_hidden()
    # The settings drawer covers the conversation, which stays where it was.
    page.click(".cs-toggle-settings")
    expect(page.locator(".cs-drawer[open]")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator(".cs-drawer[open]")).to_have_count(0)
    for name in ["wide", "narrow", "narrow-list"]:
        assert (folder / f"chat-{name}-{scheme}.png").stat().st_size > 10_000
