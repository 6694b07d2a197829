"""The demo assistant talking to a model in headless Chromium: the demo as the README
runs it, its endpoint the tests' own OpenAI-compatible server on loopback. The answer
streams in, the tool call shows as a step to unfold (the screenshot), and what a
prompt-injected model names stays text."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browsing import last_reply, logged_in, say
from tests.fake_openai import FakeOpenAI
from tests.servers import ROOT, Server, demo_server

pytestmark = pytest.mark.usefixtures("browser")


@pytest.fixture(scope="module")
def model_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with FakeOpenAI() as endpoint:
        server = demo_server(
            tmp_path_factory.mktemp("model"),
            CHATSITE_LLM_BASE_URL=endpoint.base_url,
            CHATSITE_LLM_MODEL="fake-gpt",
        )
        yield server
        server.stop()


def test_the_assistant_answers_with_a_tool_step(browser: Any, model_server: Server, tmp_path: Any) -> None:
    """SCREENSHOTS=docs saves the picture under docs/ (assistant-model.png)."""
    with logged_in(browser, model_server) as log_in:
        page = log_in("alice", "/chat/assistant/")
        expect(page.locator(".cs-profile")).to_have_value("Model")
        say(page, "tool:look_up what is chainlit?")
        expect(last_reply(page)).to_have_text(
            "The tool said: Chainlit builds chat apps in Python; this demo speaks its API."
        )
        tool = page.locator(".cs-step", has=page.locator(".cs-step-name", has_text="look_up"))
        tool.locator("summary").first.click()
        expect(tool.locator(".cs-step-output").first).to_contain_text("Chainlit builds chat apps")
        expect(page.locator(".cs-step-name", has_text="fake-gpt")).to_have_count(2)
        folder = ROOT / "docs" if os.environ.get("SCREENSHOTS") == "docs" else tmp_path
        page.screenshot(path=str(folder / "assistant-model.png"))


def test_a_prompt_injected_tool_stays_text(browser: Any, model_server: Server) -> None:
    with logged_in(browser, model_server) as log_in:
        page = log_in("bob", "/chat/assistant/")
        dialogs: list[str] = []

        def seen(dialog: Any) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", seen)
        say(page, "inject")
        expect(last_reply(page)).to_contain_text("The tool said: there is no tool")
        unknown = page.locator(".cs-step", has=page.locator(".cs-step-name", has_text="unknown tool"))
        unknown.locator("summary").first.click()
        expect(unknown.locator(".cs-step-input").first).to_contain_text(
            '"name": "<img src=x onerror=alert(1)>"'
        )
        expect(unknown.locator(".cs-step-input").first).to_contain_text("<script>alert(2)</script>")
        assert page.locator(".cs-messages [onerror], .cs-messages script").count() == 0
        assert dialogs == []
