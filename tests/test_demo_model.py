"""The demo assistant's Model profile (chatsite/chat/model.py) against the tests' own
OpenAI-compatible server: it streams, remembers the chat, runs the model's tool calls as
steps, keeps a made-up tool inert, says clearly when the model fails, stops at once, and
without an endpoint says how to set one and echoes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chatsessions.testing import ChatClient
from tests.conftest import eventually
from tests.fake_openai import FakeOpenAI

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        monkeypatch.setenv("CHATSITE_LLM_BASE_URL", server.base_url)
        monkeypatch.setenv("CHATSITE_LLM_MODEL", "fake-gpt")
        yield server


async def test_the_model_streams_and_remembers_the_chat(chat_user, endpoint):
    async with ChatClient("assistant", user=chat_user) as chat:
        assert chat.session["chat_profile"] == "Model"  # the default, with an endpoint set
        first = await chat.send("hello there")
        assert first is not None and first.content == "You said: hello there"
        await chat.send("and again")
    sent = endpoint.requests[-1]["messages"]
    assert sent[0]["role"] == "system" and sent[-1] == {"role": "user", "content": "and again"}
    assert {"role": "assistant", "content": "You said: hello there"} in sent
    assert endpoint.requests[-1]["stream"] is True


async def test_the_models_tool_calls_run_as_steps(chat_user, endpoint):
    async with ChatClient("assistant", user=chat_user) as chat:
        reply = await chat.send("tool:look_up what is chainlit?")
        assert reply is not None
        assert (
            reply.content == "The tool said: Chainlit builds chat apps in Python; this demo speaks its API."
        )
        names = [(step["name"], step["step_type"]) for step in chat.steps]
        assert names == [("fake-gpt", "llm"), ("look_up", "tool"), ("fake-gpt", "llm")]


async def test_a_made_up_tool_is_answered_and_shown_as_text(chat_user, endpoint):
    async with ChatClient("assistant", user=chat_user) as chat:
        reply = await chat.send("inject")
        assert reply is not None and reply.content.startswith("The tool said: there is no tool '<img")
        [unknown] = [step for step in chat.steps if step["name"] == "unknown tool"]
        assert unknown["language"] == "json" and "<script>" in unknown["input"]


async def test_a_failing_model_says_so(chat_user, endpoint):
    async with ChatClient("assistant", user=chat_user) as chat:
        reply = await chat.send("fail 500")
        assert (
            reply is not None
            and reply.is_error
            and reply.content.startswith("The model failed: InternalServerError")
        )
        assert [step["is_error"] for step in chat.steps] == [True]


async def test_a_stop_closes_the_models_stream_at_once(chat_user, endpoint):
    async with ChatClient("assistant", user=chat_user, timeout=10) as chat:
        await chat.send_later("go on forever")
        await chat.expect("stream")
        reply = await chat.stop()
        assert reply is not None and reply.content == "(stopped)"

        async def closed() -> None:
            assert endpoint.disconnects == 1

        await eventually(closed)


async def test_without_an_endpoint_it_says_how_to_set_one(chat_user, monkeypatch):
    monkeypatch.delenv("CHATSITE_LLM_BASE_URL", raising=False)
    async with ChatClient("assistant", user=chat_user, profile="Model") as chat:
        assert "set `CHATSITE_LLM_BASE_URL`" in chat.history[1].content
        reply = await chat.send("hi")
        assert reply is not None and reply.content.strip() == "You said: hi"
