"""Outbox: a socket's frames on their way out, in order, several to a WebSocket message.

A handler's turn produces its frames together (task start, the reply, task end): sent one
by one they cost a socket write each, and the client a read each. The outbox keeps the
frames produced in one turn of the event loop and sends them as one WebSocket message:
the frame itself when it is alone, else a JSON array of them, in order.

A handler that waits (a sync one runs in a thread) ends turns later than its task start.
Frames that end with a task start are held until that handler's task end, for at most
HOLD_SECONDS: a quick handler's frames still leave as one message, and a slow one's task
start (the page's Stop button) is late by that much at most. A new chat's session frame
is held the same way for its on_chat_start (see hold).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from ..wire.frames import TASK_END, TASK_START

logger = logging.getLogger("chatsessions")

#: The most frames one WebSocket message carries. A producer that gets this far ahead of
#: the socket waits for its frames to be sent, so a slow client slows a streaming handler
#: down instead of its frames piling up in memory.
MAX_FRAMES_PER_MESSAGE = 64
#: The longest frames wait for a running handler's task end (see the module's docstring).
HOLD_SECONDS = 0.02


def frames_in(message: str | bytes) -> list[dict[str, Any]]:
    """The frames of one WebSocket message from the server, in order: what a client of
    its own reads the outbox's messages with."""
    data = json.loads(message)
    return data if isinstance(data, list) else [data]


class Outbox:
    """The frames one socket has yet to send, and the task that sends them."""

    __slots__ = ("_frames", "_held", "_holding", "_sender", "_write")

    def __init__(self, write: Callable[[str], Awaitable[None]]) -> None:
        self._write = write  # sends one WebSocket text message
        self._frames: list[dict[str, Any]] = []
        self._sender: asyncio.Task[None] | None = None
        # Whether the queued frames wait for a task end, and what the sender waits on then.
        self._holding = False
        self._held: asyncio.Future[None] | None = None

    async def put(self, frame: dict[str, Any]) -> None:
        """Queues frame; it leaves once the running turn of the event loop is over (or,
        after a task start, once its task ends: see the module's docstring)."""
        self._frames.append(frame)
        if frame is TASK_START:  # the job runner's own frames: no comparison per frame
            self._holding = True
        elif frame is TASK_END:
            self._release()
        if self._sender is None:
            # A new task first runs in the loop's next turn, after the current one has
            # produced whatever frames it will.
            self._sender = asyncio.get_running_loop().create_task(self._send())
        elif len(self._frames) >= MAX_FRAMES_PER_MESSAGE:
            await self.flush()

    def hold(self) -> None:
        """Holds the frames queued (a session frame) for the task end of the handler
        about to start, as frames that end with its task start would be."""
        self._holding = True

    async def flush(self) -> None:
        """Returns once every frame queued so far has been sent (or dropped)."""
        self._release()
        sender = self._sender
        if sender is not None and sender is not asyncio.current_task():
            await asyncio.shield(sender)

    def _release(self) -> None:
        self._holding = False
        if self._held is not None and not self._held.done():
            self._held.set_result(None)

    async def _wait_for_task_end(self) -> None:
        self._held = asyncio.get_running_loop().create_future()
        try:
            await asyncio.wait_for(self._held, HOLD_SECONDS)
        except TimeoutError:
            pass  # a slow handler: what it has said so far leaves now, the rest as it comes
        finally:
            self._held, self._holding = None, False

    async def _send(self) -> None:
        try:
            while self._frames:
                if self._holding:
                    await self._wait_for_task_end()
                batch, self._frames = self._frames, []
                text = json.dumps(batch[0] if len(batch) == 1 else batch)
                try:
                    await self._write(text)
                except Exception:
                    # The socket closed under us (its disconnect handler detaches it): the
                    # frames are lost, as they would be a moment later, but the chat is not.
                    logger.debug("%d frames to a closing socket were dropped", len(batch))
        finally:
            self._sender = None
