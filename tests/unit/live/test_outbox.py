"""The outbox: which frames leave together, held for a handler's task end, and never held
longer than the handler is quick, the frames are few, or a flush allows."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from chatsessions.live import outbox
from chatsessions.live.outbox import Outbox, frames_in
from chatsessions.wire.frames import TASK_END, TASK_START

SESSION = {"type": "session", "id": "s"}


def reply(n: int) -> dict[str, Any]:
    return {"type": "message", "content": f"reply {n}"}


class Socket:
    """The WebSocket end: each text message written, read back as its frames."""

    def __init__(self) -> None:
        self.messages: list[list[dict[str, Any]]] = []

    async def write(self, text: str) -> None:
        self.messages.append(frames_in(text))

    async def sent(self, count: int) -> list[list[dict[str, Any]]]:
        """The messages once there are count of them (at most 5 s from now)."""
        for _ in range(500):
            if len(self.messages) >= count:
                return self.messages
            await asyncio.sleep(0.01)
        raise AssertionError(f"{len(self.messages)} messages sent, not {count}: {self.messages}")


@pytest.fixture
def socket() -> Socket:
    return Socket()


@pytest.fixture
def patient(monkeypatch: pytest.MonkeyPatch) -> None:
    """A hold that would outlast the test: what ends it must be something else."""
    monkeypatch.setattr(outbox, "HOLD_SECONDS", 60)


async def test_a_sync_handlers_frames_leave_with_the_session_frame_before_them(socket, patient):
    box = Outbox(socket.write)
    await box.put(SESSION)
    box.hold()

    async def on_chat_start() -> None:  # a sync handler: its body runs in a thread
        await box.put(TASK_START)
        await asyncio.to_thread(time.sleep, 0.001)
        await box.put(reply(1))
        await box.put(TASK_END)

    await asyncio.gather(on_chat_start(), asyncio.sleep(0.05))
    assert await socket.sent(1) == [[SESSION, TASK_START, reply(1), TASK_END]]


async def test_a_task_start_alone_waits_for_its_end(socket, patient):
    box = Outbox(socket.write)
    await box.put(TASK_START)
    await asyncio.sleep(0.05)
    assert socket.messages == []
    await box.put(reply(1))
    await box.put(TASK_END)
    await box.put(reply(2))  # said in the same turn, after the handler: it goes along
    assert await socket.sent(1) == [[TASK_START, reply(1), TASK_END, reply(2)]]
    await box.put(reply(3))  # nothing holds it
    assert (await socket.sent(2))[1] == [reply(3)]


async def test_a_slow_handlers_task_start_leaves_while_it_runs(socket, monkeypatch):
    monkeypatch.setattr(outbox, "HOLD_SECONDS", 0.01)
    box = Outbox(socket.write)
    await box.put(TASK_START)
    assert await socket.sent(1) == [[TASK_START]]  # its end has not come, and never may
    await box.put(reply(1))
    await box.put(reply(2))
    await box.put(TASK_END)
    assert (await socket.sent(2))[1] == [reply(1), reply(2), TASK_END]  # not held again


async def test_a_handler_that_says_much_is_not_held_back_by_its_own_frames(socket, patient):
    box = Outbox(socket.write)
    await box.put(TASK_START)
    for n in range(outbox.MAX_FRAMES_PER_MESSAGE * 2):  # a stream's tokens, say
        await asyncio.wait_for(box.put(reply(n)), 5)
    sent = await socket.sent(1)
    assert sent[0][:2] == [TASK_START, reply(0)] and len(sent[0]) == outbox.MAX_FRAMES_PER_MESSAGE


async def test_a_flush_sends_held_frames_at_once(socket, patient):
    box = Outbox(socket.write)
    await box.put(SESSION)
    box.hold()
    await box.put(TASK_START)
    await asyncio.wait_for(box.flush(), 5)  # a socket closing: what it has leaves now
    assert socket.messages == [[SESSION, TASK_START]]
