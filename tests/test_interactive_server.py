"""Chainlit's documented examples of asks, actions, steps and starters, unchanged but for
the import (tests/chat_apps/chainlit_examples), each on a real daphne over a real
WebSocket; and the interactive app's edges over the same socket."""

from __future__ import annotations

import pytest

from chatsessions.testing import ChatClient, ChatError
from chatsessions.wire.frames import ErrorCode
from tests.servers import login, sqlite_worker

PASSWORD = "interactive-test-password"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    worker = sqlite_worker(tmp_path_factory.mktemp("interactive"), PASSWORD)
    yield worker
    worker.stop()


@pytest.fixture(scope="module")
def cookie(server):
    return login(server.base, "alice", PASSWORD)


def chat(server, cookie, app: str, **options) -> ChatClient:
    return ChatClient(app, server=server.base, cookie=cookie, timeout=10, **options)


async def test_ask_user_message(server, cookie):
    async with chat(server, cookie, "cl-ask-user") as conversation:
        assert conversation.asked["kind"] == "text"
        assert conversation.history[-1].content == "What is your name?"
        assert (await conversation.send("Ada")).content == "Your name is: Ada"


async def test_ask_action_message(server, cookie):
    async with chat(server, cookie, "cl-ask-action") as conversation:
        assert [a["label"] for a in conversation.history[-1].actions] == ["✅ Continue", "❌ Cancel"]
        assert (await conversation.click("✅ Continue")).content == "Continue!"
        assert conversation.history[0].content == "**Selected:** ✅ Continue"
        assert conversation.history[0].actions == []


async def test_action_with_its_callback(server, cookie):
    async with chat(server, cookie, "cl-action") as conversation:
        assert conversation.history[-1].content == "Interact with this action button:"
        assert (await conversation.click("Click me!")).content == "Executed action_button"
        assert conversation.history[0].actions == []  # the callback removed it
        await conversation.send_frame({"type": "action", "id": "00000000-0000-0000-0000-000000000000"})
        assert (await conversation.expect("error"))["code"] == ErrorCode.UNKNOWN_ACTION


async def test_step_decorator_on_a_tool(server, cookie):
    async with chat(server, cookie, "cl-step-tool") as conversation:
        assert (await conversation.send("hello")).content == "This is the final answer"
        (step,) = conversation.steps
        assert (step["name"], step["step_type"], step["output"]) == (
            "tool",
            "tool",
            "Response from the tool!",
        )


async def test_step_class(server, cookie):
    async with chat(server, cookie, "cl-step-class") as conversation:
        assert await conversation.send("hello") is None  # the example sends no message
        (step,) = conversation.steps
        assert (step["name"], step["input"], step["output"]) == ("Test", "hello", "world")


async def test_nested_steps(server, cookie):
    async with chat(server, cookie, "cl-step-nested") as conversation:
        parent, child = conversation.steps
        assert (parent["name"], parent["output"]) == ("parent_step", "Parent step output")
        assert (child["name"], child["parent_id"], child["output"]) == (
            "child_step",
            parent["id"],
            "Child step output",
        )
        session = await conversation.reconnect()  # the transcript keeps them
        assert [frame["name"] for frame in session["history"] if frame["type"] == "step"] == [
            "parent_step",
            "child_step",
        ]


async def test_current_step(server, cookie):
    async with chat(server, cookie, "cl-step-current") as conversation:
        await conversation.send("hello")
        (step,) = conversation.steps
        assert (step["input"], step["output"]) == ("My custom input", "My custom output")


async def test_starters(server, cookie):
    async with chat(server, cookie, "cl-starters") as conversation:
        assert [starter["label"] for starter in conversation.starters] == [
            "Morning routine ideation",
            "Explain superconductors",
            "Python script for daily email reports",
            "Text inviting friend to wedding",
        ]
        assert conversation.starters[2]["command"] == "code"
        # A click on a starter sends its message, as the page does.
        starter = conversation.starters[1]
        assert (await conversation.send(starter["message"])).content == f"You asked: {starter['message']}"


async def test_a_question_survives_a_new_socket(server, cookie):
    async with chat(server, cookie, "interactive") as conversation:
        await conversation.send("ask 30")
        question = conversation.asked
        session = await conversation.reconnect()
        assert session["running"] is True and session["ask"]["for"] == question["for"]
        assert (await conversation.send("from the new socket")).content == "answered: from the new socket"


async def test_feedback_and_a_forged_click_over_the_socket(server, cookie):
    async with chat(server, cookie, "interactive") as conversation:
        reply = await conversation.send("buttons")
        assert (await conversation.feedback(reply.id, 0, "meh"))["value"] == 0
        await conversation.send_frame({"type": "action", "name": "greet", "payload": {"who": "mallory"}})
        assert (await conversation.expect("error"))["code"] == ErrorCode.INVALID_FIELD
        with pytest.raises(ChatError) as refused:
            await conversation.click("Orphan")
        assert refused.value.code == ErrorCode.UNKNOWN_ACTION
        assert (await conversation.click("Greet")).content == "hello world (1)"
