"""Delivery: the one socket a chat sends its frames to, if any; without one, frames are
dropped (the transcript keeps what matters, and a resume replays it)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Protocol

from ..conf import FRAMES_BETWEEN_YIELDS

logger = logging.getLogger("chatsessions")


class Socket(Protocol):
    """What a chat needs of the consumer that holds its socket."""

    async def send_frame(self, frame: dict[str, Any]) -> None: ...

    async def close_socket(self, code: int) -> None: ...

    async def login_holds(self, logged_out_session: str | None = None) -> bool: ...


class Delivery:
    """A chat's socket slot: at most one socket at a time."""

    __slots__ = ("_frames_sent", "session_id", "socket")

    def __init__(self, session_id: str) -> None:
        self.session_id = session_id
        self.socket: Socket | None = None
        self._frames_sent = 0

    def take(self, socket: Socket | None) -> Socket | None:
        """Puts socket (or None) in the slot; returns the one it held."""
        previous, self.socket = self.socket, socket
        return previous

    async def send(self, frame: dict[str, Any]) -> None:
        """Sends a frame to the socket, if there is one."""
        self._frames_sent += 1
        if self._frames_sent % FRAMES_BETWEEN_YIELDS == 0:
            # daphne's send returns without suspending: a handler streaming thousands of
            # tokens would hold the event loop, and every other socket of the worker, until
            # it is done. A turn of the loop now and then keeps the worker fair.
            await asyncio.sleep(0)
        if self.socket is None:
            return
        try:
            await self.socket.send_frame(frame)
        except Exception:
            # The socket closed under us (its disconnect handler detaches it): the frame is
            # lost, as it would be a moment later, but the chat must not be.
            logger.debug("chat %s: a frame to a closing socket was dropped", self.session_id)
