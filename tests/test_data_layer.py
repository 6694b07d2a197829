"""Chainlit's data layer as a sink: an app's @cl.data_layer is told what Chainlit would tell
it (threads, steps, elements, feedback, its user), in order, while the database stays the
source of truth; a data layer that fails, is slow or is stuck never holds a chat or its
writes back. The app is tests/chat_apps/data_layers.py, chatted with through real
consumers (ChatClient)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from chatsessions.handler_api.data_layer import BaseDataLayer, PageInfo, PaginatedResponse
from chatsessions.handler_api.registry import ChatApp, Handler
from chatsessions.live import data_feed
from chatsessions.models import ChatMessage, ChatSession
from chatsessions.testing import ChatClient
from tests.chat_apps import data_layers

pytestmark = pytest.mark.django_db(transaction=True)

APP = "data-layers"


@pytest.fixture(autouse=True)
def _fresh_sink(settings: Any) -> Any:
    data_layers.told.clear()
    data_layers.behaviour = "record"
    settings.CHATSESSIONS = {**settings.CHATSESSIONS, "DATA_LAYER_TIMEOUT_SECONDS": 2}
    yield
    data_layers.behaviour = "record"


async def until(condition: Callable[[], Any], seconds: float = 5) -> None:
    """Waits for the data layer to have been told something (it is told behind the chat)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, str(methods())
        await asyncio.sleep(0.02)


def methods() -> list[str]:
    return [method for method, _ in data_layers.told]


def told(method: str) -> list[Any]:
    return [argument for name, argument in data_layers.told if name == method]


async def test_nothing_is_told_before_the_first_user_message_then_all_of_it_in_order(chat_user):
    async with ChatClient(APP, user=chat_user) as chat:
        hello = chat.history[0]
        thread_id = chat.session["id"]
        await chat.send("title")  # not a title yet: the first message names the thread
        await until(lambda: "create_step" in methods() and len(told("create_step")) >= 4)
        user_message, echo = chat.history[1], chat.history[2]
    assert methods()[:5] == ["get_user", "create_user", "update_thread", "create_step", "create_element"]
    assert told("get_user") == [chat_user.username]
    assert told("create_user")[0].identifier == chat_user.username
    first_update = told("update_thread")[0]
    assert first_update == {
        "thread_id": thread_id,
        "name": "title",
        "user_id": f"sink-{chat_user.username}",
        "metadata": None,
        "tags": None,
    }
    steps = {step["id"]: step for step in told("create_step")}
    assert [steps[message.id]["type"] for message in (hello, user_message, echo)] == [
        "assistant_message",
        "user_message",
        "assistant_message",
    ]
    assert steps[echo.id]["output"] == "echo: title" and steps[echo.id]["threadId"] == thread_id
    (tool,) = [step for step in steps.values() if step["type"] == "tool"]
    assert (tool["name"], tool["threadId"]) == ("think", thread_id)
    assert any(step["id"] == tool["id"] and step["output"] == "thinking" for step in told("update_step"))
    (note,) = told("create_element")
    assert (note.name, note.type, note.for_id, note.thread_id) == ("note", "text", hello.id, thread_id)
    assert note.to_dict()["url"] == note.url and note.url.startswith("/chat/files/")
    # The handler's set_title, after the thread was started, renames it.
    assert told("update_thread")[-1]["name"] == "Named by the handler"


async def test_edits_removals_feedback_and_persisted_sessions_are_told(chat_user):
    async with ChatClient(APP, user=chat_user) as chat:
        await chat.send("edit")
        edited = chat.history[-1]
        await chat.send("remove")
        given = await chat.feedback(edited.id, 1, "nice")
        await chat.send("persist")
        await until(lambda: any(update["metadata"] for update in told("update_thread")))
        await until(lambda: told("upsert_feedback") and told("delete_step"))
    assert given["value"] == 1
    (removed_id,) = told("delete_step")
    assert [step["output"] for step in told("create_step") if step["id"] == removed_id] == ["echo: remove"]
    assert any(step["id"] == edited.id and step["output"] == "edited" for step in told("update_step"))
    (feedback,) = told("upsert_feedback")
    assert (feedback.forId, feedback.value, feedback.comment, feedback.threadId) == (
        edited.id,
        1,
        "nice",
        chat.session["id"],
    )
    assert feedback.id
    (persisted,) = [update["metadata"] for update in told("update_thread") if update["metadata"]]
    assert persisted["kept"] == 7 and persisted["env"] == {} and persisted["client_type"] == "webapp"


async def test_a_chat_that_never_gets_a_user_message_tells_nothing(chat_user):
    async with ChatClient(APP, user=chat_user) as chat:
        assert chat.history[0].content == "hello"
    assert data_layers.told == []


async def test_a_deleted_chat_is_told_once_deleted(chat_user):
    async with ChatClient(APP, user=chat_user) as chat:
        await chat.send("hi")
        thread_id = chat.session["id"]
    client = Client()
    await database_sync_to_async(client.force_login)(chat_user)
    answer = await database_sync_to_async(client.delete)(f"/chat/api/{APP}/chats/{thread_id}/")
    assert answer.status_code == 204
    await until(lambda: told("delete_thread") == [thread_id])


async def test_a_chat_deleted_by_staff_is_told_too(chat_user):
    async with ChatClient(APP, user=chat_user) as chat:
        await chat.send("hi")
        thread_id = chat.session["id"]
    await database_sync_to_async(lambda: ChatSession.objects.filter(pk=thread_id).delete())()
    await until(lambda: told("delete_thread") == [thread_id])


async def test_a_data_layer_that_fails_every_call_holds_nothing_back(chat_user, caplog):
    data_layers.behaviour = "raise"
    with caplog.at_level(logging.ERROR, "chatsessions"):
        async with ChatClient(APP, user=chat_user) as chat:
            for text in ("one", "two", "edit"):
                reply = await chat.send(text)
            assert reply is not None
            await until(lambda: len(told("create_step")) >= 9)
    assert [reply.content for reply in chat.history][-2:] == ["edit", "edited"]
    kept = await database_sync_to_async(
        lambda: list(
            ChatMessage.objects.filter(session_id=chat.session["id"])
            .exclude(role=ChatMessage.Role.STEP)
            .values_list("content", flat=True)
        )
    )()
    assert kept == ["hello", "one", "echo: one", "two", "echo: two", "edit", "edited"]
    assert "its data layer's create_step failed" in caplog.text
    assert "RuntimeError: create_step fails" in caplog.text


async def test_a_slow_data_layer_is_left_behind_and_timed_out(chat_user, settings, caplog):
    settings.CHATSESSIONS = {**settings.CHATSESSIONS, "DATA_LAYER_TIMEOUT_SECONDS": 0.1}
    data_layers.behaviour = "slow"  # each call 0.5 s, past the limit
    with caplog.at_level(logging.ERROR, "chatsessions"):
        async with ChatClient(APP, user=chat_user) as chat:
            await chat.send("one")
            await chat.send("two")
            # Both answered while the data layer is still on the first few calls.
            assert len(data_layers.told) < 6
            await until(lambda: "took longer than 0.1 s" in caplog.text)


async def test_a_stuck_data_layer_costs_bounded_memory(chat_user, monkeypatch, caplog):
    monkeypatch.setattr(data_feed, "MAX_PENDING", 3)
    data_layers.behaviour = "slow"
    with caplog.at_level(logging.ERROR, "chatsessions"):
        async with ChatClient(APP, user=chat_user) as chat:
            for text in ("one", "two", "three"):
                await chat.send(text)
    assert "its data layer is 3 calls behind; 1 calls dropped so far" in caplog.text


class _Complete(BaseDataLayer):
    """A data layer with every abstract method, doing nothing."""

    async def get_user(self, identifier: str) -> Any: ...
    async def create_user(self, user: Any) -> Any: ...
    async def delete_feedback(self, feedback_id: str) -> bool:
        return True

    async def upsert_feedback(self, feedback: Any) -> str:
        return ""

    async def create_element(self, element: Any) -> Any: ...
    async def get_element(self, thread_id: str, element_id: str) -> Any: ...
    async def delete_element(self, element_id: str, thread_id: Any = None) -> Any: ...
    async def create_step(self, step_dict: Any) -> Any: ...
    async def update_step(self, step_dict: Any) -> Any: ...
    async def delete_step(self, step_id: str) -> Any: ...
    async def get_thread_author(self, thread_id: str) -> str:
        return ""

    async def delete_thread(self, thread_id: str) -> Any: ...
    async def list_threads(self, pagination: Any, filters: Any) -> Any: ...
    async def get_thread(self, thread_id: str) -> Any: ...
    async def update_thread(
        self, thread_id: str, name: Any = None, user_id: Any = None, metadata: Any = None, tags: Any = None
    ) -> Any: ...
    async def build_debug_url(self) -> str:
        return ""

    async def close(self) -> None: ...
    async def get_favorite_steps(self, user_id: str) -> Any:
        return []


def _boom() -> Any:
    raise RuntimeError("no sink today")


@pytest.mark.parametrize(
    ("factory", "logged"),
    [
        (_boom, "the @data_layer of careless failed"),
        (lambda: "a sink", "returned 'a sink', not a BaseDataLayer"),
        (None, ""),
    ],
)
def test_a_careless_data_layer_function_leaves_the_chat_with_none(factory, logged, caplog):
    app = ChatApp("careless", handlers={} if factory is None else {"data_layer": Handler.wrap(factory)})
    data_feed._layers.pop("careless", None)
    with caplog.at_level(logging.ERROR, "chatsessions"):
        assert data_feed.data_layer_of(app) is None
    assert logged in caplog.text
    data_feed._layers.pop("careless", None)
    app.handlers["data_layer"] = Handler.wrap(_Complete)
    assert isinstance(data_feed.data_layer_of(app), _Complete)
    data_feed._layers.pop("careless", None)


def test_chainlit_types_a_data_layer_returns():
    page = PaginatedResponse(PageInfo(False, None, None), [{"id": "t"}])
    assert page.to_dict() == {
        "pageInfo": {"hasNextPage": False, "startCursor": None, "endCursor": None},
        "data": [{"id": "t"}],
    }


def test_a_deletion_outside_a_server_is_told_from_a_loop_of_its_own():
    data_feed.tell_deleted(APP, "deleted-by-a-command")  # no event loop here (a command, WSGI)
    for _ in range(250):
        if told("delete_thread"):
            break
        time.sleep(0.02)
    assert told("delete_thread") == ["deleted-by-a-command"]
    data_feed.tell_deleted("no-such-app", "x")  # nothing to tell, nothing raised
