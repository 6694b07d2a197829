"""Headless Chromium for the browser tests: Debian's (the fixture `browser` is in conftest)."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Iterator
from typing import Any

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def say(page: Any, text: str) -> None:
    page.fill(".cs-input", text)
    page.press(".cs-input", "Enter")


def last_reply(page: Any) -> Any:
    return page.locator(".cs-message.cs-assistant .cs-content").last


@contextlib.contextmanager
def logged_in(browser: Any, server: Any) -> Iterator[Any]:
    """Yields log_in(username, path="/chat/", **context_options): a new browser context
    whose user logs in through the login form and lands on path's connected chat page.
    The contexts close at the end."""
    from playwright.sync_api import expect

    contexts = []

    def log_in(username: str, path: str = "/chat/", **options: Any) -> Any:
        options.setdefault("viewport", {"width": 1000, "height": 760})
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.goto(server.base + path)
        expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
        page.fill("#id_username", username)
        page.fill("#id_password", server.password)
        page.click("button[type=submit]")
        expect(page).to_have_url(server.base + path)
        expect(page.locator(".cs-status")).to_have_attribute("data-state", "connected")
        return page

    try:
        yield log_in
    finally:
        for context in contexts:
            context.close()


def admin_page(browser: Any, server: Any, path: str) -> Any:
    """A new browser context in which the demo's admin logs in to path of the admin."""
    context = browser.new_context(viewport={"width": 1200, "height": 1100})
    page = context.new_page()
    page.goto(server.base + path)
    page.fill("#id_username", "admin")
    page.fill("#id_password", server.password)
    page.click("input[type=submit]")
    return page


class WatchedBrowser:
    """Chromium whose pages fail the test on a Content-Security-Policy violation or an
    uncaught script error: `errors` collects them, and the tests' fixtures check it."""

    def __init__(self, browser: Any) -> None:
        self._browser = browser
        self.errors: list[str] = []

    def _watch(self, context: Any) -> Any:
        def console(message: Any) -> None:
            if message.type == "error" and "Content Security Policy" in message.text:
                self.errors.append(f"{message.location.get('url')}: {message.text}")

        context.on("console", console)
        context.on("weberror", lambda error: self.errors.append(f"uncaught: {error.error}"))
        return context

    def new_context(self, **options: Any) -> Any:
        return self._watch(self._browser.new_context(**options))

    def new_page(self, **options: Any) -> Any:
        return self.new_context(**options).new_page()

    def take_errors(self) -> list[str]:
        errors, self.errors = self.errors, []
        return errors

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """Debian's headless Chromium (a test tool's own browser download fails here). While it
    is open, Playwright's sync API holds an event loop in this thread: a module of async
    tests opens it inside one test, not in a module-scoped fixture."""
    from playwright.sync_api import sync_playwright

    from tests.conftest import require

    require(os.path.exists(CHROMIUM), "Chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        watched = WatchedBrowser(browser)
        try:
            yield watched
        finally:
            browser.close()
        assert watched.take_errors() == []
