"""instrument_openai() through real consumers, against the tests' own OpenAI-compatible
server on loopback (tests/fake_openai.py, the real HTTP API with SSE streams): every
call of the openai client inside a chat is an `llm` step with its generation, sync or
async, streamed or not, chat completions and the Responses API, nested under the open
step; errors, a stream cut short and a Stop mark the step; outside a chat the client is
untouched."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from typing import Any

import openai
import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

import chatsessions as cl
from chatsessions.models import ChatMessage
from chatsessions.storage import usage
from chatsessions.testing import ChatClient
from tests.conftest import eventually
from tests.documented import block
from tests.fake_openai import FakeOpenAI
from tests.servers import modules_after

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        monkeypatch.setenv("FAKE_OPENAI_URL", server.base_url)
        yield server


def llm_steps(chat: ChatClient) -> list[dict[str, Any]]:
    return [step for step in chat.steps if step["step_type"] == "llm"]


async def kept_generation(step_id: str) -> dict[str, Any]:
    """The generation the transcript keeps with a step (written behind the chat)."""
    found: dict[str, Any] = {}

    async def written() -> None:
        row = await ChatMessage.objects.filter(message_id=step_id, role=ChatMessage.Role.STEP).afirst()
        meta: dict[str, Any] = (row.meta if row is not None else None) or {}
        assert meta.get("end") and "generation" in meta
        found.update(meta["generation"])

    await eventually(written)
    return found


async def test_a_call_is_an_llm_step_with_its_generation(chat_user, fake):
    async with ChatClient("llm-calls", user=chat_user) as chat:
        reply = await chat.send("plain hello there")
        assert reply is not None and reply.content == "You said: plain hello there"
        [step] = llm_steps(chat)
        assert (step["name"], step["is_error"], step["output"]) == (
            "fake-gpt",
            False,
            "You said: plain hello there",
        )
        assert '"content": "Be brief."' in step["input"]  # the messages in, as JSON
        # The page gets a summary; the prompt and completion stay in the transcript.
        assert step["usage"]["model"] == "fake-gpt"
        assert (step["usage"]["input_token_count"], step["usage"]["output_token_count"]) == (3, 5)
        assert "generation" not in step
        generation = await kept_generation(step["id"])
    assert generation["provider"] == "openai" and generation["settings"] == {
        "model": "fake-gpt",
        "temperature": 0.5,
    }
    assert [m["role"] for m in generation["messages"]] == ["system", "user"]
    assert generation["message_completion"] == {"role": "assistant", "content": "You said: plain hello there"}
    assert generation["token_count"] == 8 and generation["duration"] > 0 and generation["error"] is None
    assert fake.requests[-1]["messages"][1]["content"] == "plain hello there"


async def test_a_streamed_call_keeps_its_first_token_time_and_usage(chat_user, fake):
    async with ChatClient("llm-calls", user=chat_user) as chat:
        reply = await chat.send("stream one two")
        assert reply is not None and reply.content == "You said: stream one two"
        [step] = llm_steps(chat)
        assert step["output"] == "You said: stream one two"
        generation = await kept_generation(step["id"])
    assert generation["tt_first_token"] is not None and generation["tt_first_token"] >= 0
    assert (generation["input_token_count"], generation["output_token_count"]) == (3, 5)
    assert generation["settings"]["stream_options"] == {"include_usage": True}


@pytest.mark.parametrize("how", ["sync", "syncstream", "responses", "rstream", "mistral", "mistralstream"])
async def test_the_sync_client_the_responses_api_and_mistral_are_instrumented(chat_user, fake, how):
    """sync and syncstream: the sync client, in a worker thread (make_async); mistral and
    mistralstream: Mistral's client (cl.instrument_mistralai())."""
    async with ChatClient("llm-calls", user=chat_user) as chat:
        reply = await chat.send(f"{how} hi")
        assert reply is not None and reply.content == f"You said: {how} hi"
        [step] = llm_steps(chat)
        assert step["output"] == f"You said: {how} hi" and not step["is_error"]
        generation = await kept_generation(step["id"])
    assert generation["messages"][-1] == {"role": "user", "content": f"{how} hi"}
    # An OpenAI stream tells its usage only when asked (stream_options); the others always do.
    assert generation["output_token_count"] == (None if how in ("syncstream", "mistralstream") else 4)
    assert generation["provider"] == ("mistralai" if how.startswith("mistral") else "openai")


async def test_tool_calls_show_and_the_calls_nest_under_the_open_step(chat_user, fake):
    async with ChatClient("llm-calls", user=chat_user) as chat:
        reply = await chat.send("weather in Paris?")
        assert reply is not None and reply.content == "The tool said: sunny in Paris"
        by_name = {step["name"]: step for step in chat.steps if step["name"] != "fake-gpt"}
        first, second = llm_steps(chat)
        assert first["parent_id"] == second["parent_id"] == by_name["agent"]["id"]
        assert by_name["get_weather"]["parent_id"] == by_name["agent"]["id"]
        assert '"name": "get_weather"' in first["output"] and '"city": \\"Paris\\"' not in first["output"]
        assert second["output"] == "The tool said: sunny in Paris"
        generation = await kept_generation(first["id"])
    [call] = generation["message_completion"]["tool_calls"]
    assert call["function"] == {"name": "get_weather", "arguments": '{"city": "Paris"}'}
    assert generation["tools"][0]["function"]["name"] == "get_weather"


@pytest.mark.parametrize(
    ("said", "error"),
    [
        ("plain fail 429", "RateLimitError"),
        ("stream fail 500", "InternalServerError"),
        ("stream cut", "APIConnectionError"),
    ],
)
async def test_a_failed_call_marks_its_step(chat_user, fake, said, error):
    async with ChatClient("llm-calls", user=chat_user) as chat:
        reply = await chat.send(said)
        assert reply is not None and reply.is_error and reply.content.startswith("The model failed: ")
        [step] = llm_steps(chat)
        assert step["is_error"], step
        generation = await kept_generation(step["id"])
    assert generation["error"].startswith(error), generation["error"]
    if said.endswith("cut"):  # what came before the cut is kept
        assert generation["message_completion"]["content"] == "You said:"


async def test_a_stop_closes_the_http_stream_and_marks_the_step_stopped(chat_user, fake):
    async with ChatClient("llm-calls", user=chat_user, timeout=10) as chat:
        await chat.send_later("stream forever")
        await chat.expect("stream")  # tokens are coming
        await chat.stop()

        async def closed() -> None:
            assert fake.disconnects == 1

        await eventually(closed)
        [step] = llm_steps(chat)
        assert not step["is_error"] and step["output"].endswith("[stopped before its end]")
        generation = await kept_generation(step["id"])
    assert generation["error"] == "stopped before its end"
    assert generation["message_completion"]["content"].startswith("You")  # what came before


async def test_outside_a_chat_the_client_is_untouched(fake):
    cl.instrument_openai()  # again: patched once
    client = openai.AsyncOpenAI(base_url=fake.base_url, api_key="test", max_retries=0)
    answer = await client.chat.completions.create(
        model="fake-gpt", messages=[{"role": "user", "content": "hi"}]
    )
    assert answer.choices[0].message.content == "You said: hi"
    sync_client = openai.OpenAI(base_url=fake.base_url, api_key="test", max_retries=0)
    chunks = await sync_to_async(
        lambda: list(
            sync_client.chat.completions.create(
                model="fake-gpt", messages=[{"role": "user", "content": "x"}], stream=True
            )
        )
    )()
    assert type(chunks[0]).__name__ == "ChatCompletionChunk"
    assert not hasattr(
        openai.resources.chat.completions.Completions.create.__wrapped__, "chatsessions_instrumented"
    )
    await asyncio.sleep(0)


def test_importing_chatsessions_imports_no_model_library():
    """openai is an optional extra: only instrument_openai() imports it."""
    assert "openai" not in modules_after("import chatsessions, chatsessions.handler_api.openai_calls")


async def test_the_documented_app_streams_with_its_step(chat_user, fake, tmp_path, monkeypatch):
    """The handler API's example, word for word, with the client's own environment
    pointing it at the fake server (OPENAI_BASE_URL, OPENAI_API_KEY)."""
    (tmp_path / "documented_openai_app.py").write_text(block("openai-app", "docs/handler-api.md", "python"))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "test")
    async with ChatClient("documented_openai_app", user=chat_user) as chat:
        reply = await chat.send("tell me more")
        assert reply is not None and reply.content == "You said: tell me more"
        [step] = llm_steps(chat)
        assert step["name"] == "gpt-4o-mini" and step["output"] == "You said: tell me more"
    assert fake.requests[-1]["messages"] == [{"role": "user", "content": "tell me more"}]


async def test_token_use_is_summed_per_chat_and_per_user(chat_user, fake):
    """The admin's list and detail page, and chatsessions_stats, from the steps' generations."""
    async with ChatClient("llm-calls", user=chat_user) as chat:
        await chat.send("plain one")  # 2 in, 4 out (the fake counts words)
        await chat.send("weather now")  # two calls: 2 in and 0 out, then 2 in and 6 out
        session_id = chat.session["id"]
        step = llm_steps(chat)[-1]
        await kept_generation(step["id"])

    def pages() -> tuple[str, str, str]:
        admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
        client = Client()
        client.force_login(admin)
        listed = client.get("/admin/chatsessions/chatsession/").content.decode()
        detail = client.get(f"/admin/chatsessions/chatsession/{session_id}/change/").content.decode()
        out = io.StringIO()
        call_command("chatsessions_stats", stdout=out)
        return listed, detail, out.getvalue()

    listed, detail, stats = await sync_to_async(pages)()
    used = await sync_to_async(usage.usage_of_chat)(session_id)
    assert used == {"calls": 3, "input_tokens": 2 + 2 + 2, "output_tokens": 4 + 0 + 6}
    assert '<td class="field-tokens">16</td>' in listed
    assert "3 LLM calls: 6 tokens in, 10 out" in detail
    assert "fake-gpt · 2 in, 4 out" in detail and "prompt and completion" in detail
    row = next(line for line in stats.splitlines() if line.strip().startswith(chat_user.username))
    assert row.split() == [chat_user.username, "6", "/", "10", "3"]


async def test_an_endpoint_that_times_out_marks_the_step(chat_user, fake, monkeypatch):
    monkeypatch.setenv("FAKE_OPENAI_TIMEOUT", "0.3")  # the client's own timeout
    async with ChatClient("llm-calls", user=chat_user, timeout=10) as chat:
        reply = await chat.send("stream hang")  # the server says nothing for 3 s
        assert reply is not None and reply.is_error and reply.content == "The model failed: APITimeoutError"
        [step] = llm_steps(chat)
        assert step["is_error"] and "APITimeoutError" in step["output"]


async def test_a_stop_during_a_tool_call_ends_the_tool_and_the_turn(chat_user, fake):
    async with ChatClient("llm-calls", user=chat_user, timeout=10) as chat:
        await chat.send_later("slowweather now")
        while True:  # the model asked for the tool, which is now running
            frame = await chat.expect("step")
            if frame["name"] == "get_weather":
                break
        await chat.stop()
        by_name = {step["name"]: step for step in chat.steps}
        assert by_name["get_weather"]["is_error"] and "CancelledError" in by_name["get_weather"]["output"]
        assert len(fake.requests) == 1  # the model was not asked again
        reply = await chat.send("plain still here")
        assert reply is not None and reply.content == "You said: plain still here"
