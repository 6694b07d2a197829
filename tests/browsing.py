"""Headless Chromium for the browser tests: Debian's (the fixture `browser` is in conftest)."""

from __future__ import annotations

import shutil
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
