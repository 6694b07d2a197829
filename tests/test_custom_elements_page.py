"""Custom elements in headless Chromium: the module docs/handler-api.md shows, drawn from
the static files, its props kept, its action called (Chainlit's own custom elements are
in test_chainlit_e2e_page.py)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browsing import last_reply, logged_in, say


@pytest.fixture(scope="module")
def server(test_apps_server: Any) -> Any:
    return test_apps_server


@pytest.fixture
def login(browser: Any, server: Any) -> Any:
    with logged_in(browser, server) as log_in:
        yield log_in


def test_the_documented_likes_element_counts_keeps_its_props_and_shares(login):
    page = login("alice", "/chat/custom-elements/")
    say(page, "likes")
    likes = page.locator(".cs-message", has_text="like it?").locator(".inline-custom")
    expect(likes.locator("button").first).to_have_text("♥ 0")
    for count in (1, 2):
        likes.locator("button").first.click()
        expect(likes.locator("button").first).to_have_text(f"♥ {count}")
    page.reload()  # kept with its message
    expect(likes.locator("button").first).to_have_text("♥ 2")
    likes.locator("button", has_text="Share").click()
    expect(last_reply(page)).to_have_text("shared with 2 likes")


def test_a_custom_element_in_a_step_draws_again_with_new_props(login):
    page = login("alice", "/chat/custom-elements/")
    say(page, "in a step")
    step = page.locator(".cs-step", has_text="liked")
    step.locator("summary").click()
    like = step.locator(".inline-custom button").first
    expect(like).to_have_text("♥ 5")
    like.click()
    expect(like).to_have_text("♥ 6")
