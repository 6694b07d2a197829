"""A data layer that records every call it is told, in order, and can be made to fail
every call or to be slow (tests/test_data_layer.py): what a team's analytics or export
sink sees of a chat."""

from __future__ import annotations

import asyncio
from typing import Any

import chatsessions as cl
import chatsessions.data as cl_data
from chatsessions.types import Feedback

#: (method, arguments) of each call, in the order they were made.
told: list[tuple[str, Any]] = []
#: "record", "raise" (every call fails) or "slow" (every call takes SLOW_SECONDS).
behaviour = "record"
SLOW_SECONDS = 0.5


class RecordingDataLayer(cl_data.BaseDataLayer):
    async def _told(self, method: str, argument: Any) -> None:
        told.append((method, argument))
        if behaviour == "raise":
            raise RuntimeError(f"{method} fails")
        if behaviour == "slow":
            await asyncio.sleep(SLOW_SECONDS)

    async def get_user(self, identifier: str) -> Any:
        await self._told("get_user", identifier)
        return None

    async def create_user(self, user: cl.User) -> Any:
        await self._told("create_user", user)
        return cl.PersistedUser(id=f"sink-{user.identifier}", createdAt="", identifier=user.identifier)

    async def update_thread(
        self, thread_id: str, name: Any = None, user_id: Any = None, metadata: Any = None, tags: Any = None
    ) -> None:
        await self._told(
            "update_thread",
            {"thread_id": thread_id, "name": name, "user_id": user_id, "metadata": metadata, "tags": tags},
        )

    @cl_data.queue_until_user_message()
    async def create_step(self, step_dict: Any) -> None:
        await self._told("create_step", step_dict)

    async def update_step(self, step_dict: Any) -> None:
        await self._told("update_step", step_dict)

    async def delete_step(self, step_id: str) -> None:
        await self._told("delete_step", step_id)

    @cl_data.queue_until_user_message()
    async def create_element(self, element: Any) -> None:
        await self._told("create_element", element)

    async def delete_element(self, element_id: str, thread_id: Any = None) -> None:
        await self._told("delete_element", (element_id, thread_id))

    async def upsert_feedback(self, feedback: Feedback) -> str:
        await self._told("upsert_feedback", feedback)
        return feedback.id or ""

    async def delete_feedback(self, feedback_id: str) -> bool:
        await self._told("delete_feedback", feedback_id)
        return True

    async def delete_thread(self, thread_id: str) -> None:
        await self._told("delete_thread", thread_id)

    # The readers: never called here (the history is the database's).
    async def get_element(self, thread_id: str, element_id: str) -> Any:
        raise AssertionError("get_element is never called")

    async def get_thread_author(self, thread_id: str) -> str:
        raise AssertionError("get_thread_author is never called")

    async def list_threads(self, pagination: Any, filters: Any) -> Any:
        raise AssertionError("list_threads is never called")

    async def get_thread(self, thread_id: str) -> Any:
        raise AssertionError("get_thread is never called")

    async def get_favorite_steps(self, user_id: str) -> list[Any]:
        return []

    async def build_debug_url(self) -> str:
        return ""

    async def close(self) -> None:
        pass


@cl.data_layer
def data_layer() -> RecordingDataLayer:
    return RecordingDataLayer()


@cl.on_chat_start
async def start() -> None:
    await cl.Message("hello", elements=[cl.Text(name="note", content="a note", display="inline")]).send()


@cl.on_message
async def reply(message: cl.Message) -> None:
    if message.content == "title":
        cl.set_title("Named by the handler")
    if message.content == "persist":
        from chatsessions.socket import persist_user_session

        cl.user_session.set("kept", 7)
        await persist_user_session(cl.context.session.thread_id, cl.context.session.to_persistable())
    async with cl.Step(name="think", type="tool") as step:
        step.output = "thinking"
    answer = cl.Message(f"echo: {message.content}")
    await answer.send()
    if message.content == "edit":
        answer.content = "edited"
        await answer.update()
    if message.content == "remove":
        await answer.remove()
