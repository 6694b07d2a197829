"""The demo assistant's interactive parts in headless Chromium: starters, a question and
its buttons, action callbacks, a folded step, feedback that staff see in the admin.
A demo server of its own, so that the admin's feedback filter sees only these chats."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browsing import admin_page, last_reply, logged_in, say
from tests.servers import ROOT


@pytest.fixture(scope="module")
def server(own_demo_server: Any) -> Any:
    return own_demo_server


@pytest.fixture
def login(browser: Any, server: Any) -> Any:
    with logged_in(browser, server) as log_in:
        yield log_in


ASSISTANT = "/chat/assistant/"


def test_a_starter_a_question_and_its_buttons(login):
    page = login("alice", ASSISTANT)
    expect(page.locator(".cs-starter")).to_have_text(
        ["Look something up", "Ask me my name", "Show me the menu", "Chart a CSV"]
    )
    page.locator(".cs-starter", has_text="Ask me my name").click()
    expect(page.locator(".cs-starters")).to_have_count(0)
    expect(last_reply(page)).to_have_text("What should I call you?")
    expect(page.locator(".cs-message.cs-asking")).to_have_count(1)
    expect(page.locator(".cs-input")).to_have_attribute("placeholder", re.compile("Your answer"))
    say(page, "Ada")
    expect(last_reply(page)).to_have_text("Shall I remember Ada?")
    page.locator(".cs-action", has_text="Yes").click()
    expect(last_reply(page)).to_have_text("Nice to meet you, Ada.")
    # The question's buttons are gone; it says what was picked.
    expect(page.locator(".cs-action", has_text="Yes")).to_have_count(0)
    expect(page.locator(".cs-message .cs-content", has_text="Selected: Yes")).to_have_count(1)
    expect(page.locator(".cs-message.cs-asking")).to_have_count(0)

    say(page, "show me the menu")
    expect(last_reply(page)).to_have_text("What next?")
    page.locator(".cs-action", has_text="Who am I?").click()
    expect(last_reply(page)).to_have_text("You are Ada.")
    # The menu's buttons stay, and work again after a reload (the chat resumes).
    page.reload()
    expect(page.locator(".cs-status")).to_have_text("Connected (resumed)")
    page.locator(".cs-action", has_text="What time is it?").click()
    expect(last_reply(page)).to_have_text(re.compile(r"It is \d\d:\d\d UTC\."))


def test_a_step_unfolds(login):
    page = login("alice", ASSISTANT)
    say(page, "look up Django Channels")
    expect(last_reply(page)).to_have_text(
        "Here is what I found: Channels extends Django to WebSockets and other protocols."
    )
    step = page.locator(".cs-messages > .cs-step")
    expect(step.locator("> details > summary .cs-step-name")).to_have_text("lookup")
    expect(step.locator(".cs-step-type").first).to_have_text("tool")
    expect(step.locator(".cs-step-time").first).to_have_text(re.compile(r"\d+ ms|\d\.\d s"))
    inner = step.locator(".cs-step-children .cs-step")
    expect(inner).to_be_hidden()  # folded
    step.locator("> details > summary").click()
    expect(inner.locator(".cs-step-name")).to_have_text("search")
    inner.locator("summary").click()
    expect(inner.locator(".cs-step-output")).to_have_text(
        "Channels extends Django to WebSockets and other protocols."
    )


def test_feedback_reaches_the_admin(login, browser, server, tmp_path):
    page = login("bob", ASSISTANT)
    say(page, "a reply to judge")
    reply = page.locator(".cs-message.cs-assistant").last
    expect(reply.locator(".cs-content")).to_have_text("You said: a reply to judge")
    reply.hover()
    reply.locator(".cs-thumb-down").click()
    page.fill(".cs-comment input", "not helpful at all")
    page.press(".cs-comment input", "Enter")
    expect(reply.locator(".cs-thumb-down")).to_have_attribute("aria-pressed", "true")
    page.reload()
    expect(page.locator(".cs-status")).to_have_text("Connected (resumed)")
    judged = page.locator(".cs-message.cs-assistant", has_text="You said: a reply to judge")
    expect(judged.locator(".cs-thumb-down")).to_have_attribute("aria-pressed", "true")
    session_id = page.locator("[data-chatsessions]").get_attribute("data-session-id")

    admin = admin_page(browser, server, "/admin/chatsessions/chatsession/?feedback=negative")
    expect(admin.locator("#result_list tbody tr")).to_have_count(1)
    expect(admin.locator("#result_list")).to_contain_text(session_id)
    admin.goto(server.base + f"/admin/chatsessions/chatsession/{session_id}/change/")
    row = admin.locator("tr", has_text="You said: a reply to judge")
    expect(row).to_contain_text("up 0 · down 1")
    expect(row).to_contain_text("not helpful at all")
    folder = ROOT / "docs" if os.environ.get("SCREENSHOTS") == "docs" else tmp_path
    admin.screenshot(path=folder / "admin-feedback.png", full_page=True)
    admin.context.close()
