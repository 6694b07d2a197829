"""Per-socket bounds: the inbound budget of bytes and frames, and the server's transport,
which tells what it holds unsent for a client that does not read and drops a flooder."""

from __future__ import annotations

import asyncio
import functools
from typing import Any

from ..conf import get_config

#: Every frame costs at least this much of the budget: a flood of tiny frames is a flood.
MIN_FRAME_COST = 256


class InboundBudget:
    """How many bytes and frames a socket may send per window. Past either budget its
    frames are refused unread; past twice either it is closed."""

    __slots__ = ("_budget", "_frame_budget", "_frames", "_used", "_window", "_window_start")

    ALLOW, REFUSE, CLOSE = 0, 1, 2

    def __init__(self, budget: int, frame_budget: int, window: float, now: float) -> None:
        self._budget = budget
        self._frame_budget = frame_budget
        self._window = window
        self._window_start = now
        self._used = self._frames = 0

    @classmethod
    def from_settings(cls, now: float) -> InboundBudget:
        """The budget CHATSESSIONS sets (INBOUND_BYTES_PER_WINDOW and the others)."""
        config = get_config()
        return cls(
            config["INBOUND_BYTES_PER_WINDOW"],
            config["INBOUND_FRAMES_PER_WINDOW"],
            config["INBOUND_WINDOW_SECONDS"],
            now,
        )

    def __str__(self) -> str:
        return f"{self._budget} bytes and {self._frame_budget} frames per {self._window:g} s"

    def take(self, size: int, now: float) -> int:
        """Charges a frame of size bytes; returns ALLOW, REFUSE or CLOSE."""
        if now - self._window_start >= self._window:
            self._window_start, self._used, self._frames = now, 0, 0
        self._used += max(size, MIN_FRAME_COST)
        self._frames += 1
        if self._used <= self._budget and self._frames <= self._frame_budget:
            return self.ALLOW
        if self._used <= 2 * self._budget and self._frames <= 2 * self._frame_budget:
            return self.REFUSE
        return self.CLOSE


def frame_size(text: str | None, data: bytes | None) -> int:
    """Returns a frame's size in bytes, without encoding an ASCII one."""
    if text is not None:
        return len(text) if text.isascii() else len(text.encode())
    return len(data or b"")


class ServerTransport:
    """The server's own transport of a socket, for what ASGI does not give an application:
    how many bytes wait unsent for a client that does not read (daphne buffers without
    end; uvicorn waits instead), and a way to stop reading a flooder and drop it."""

    __slots__ = ("_protocol", "_transport", "_twisted", "shut")

    #: Set on a Twisted protocol whose socket is read no more (see daphne_limits).
    STOPPED = "chatsessions_reading_stopped"

    def __init__(self, protocol: Any, transport: Any, twisted: bool) -> None:
        self._protocol = protocol
        self._transport = transport
        self._twisted = twisted
        self.shut = False  # see shut_out

    def unsent_bytes(self) -> int:
        if self._twisted:
            transport = self._transport
            return len(transport.dataBuffer) - transport.offset + transport._tempDataLen
        return self._transport.get_write_buffer_size()

    def stop_reading(self) -> None:
        """Reads no more from the client: what it sends waits in the kernel, then it
        cannot send."""
        if self._twisted:
            setattr(self._protocol, self.STOPPED, True)  # no later resume, nothing more queued
            self._transport.pauseProducing()
        else:
            self._transport.pause_reading()

    def shut_out(self, grace_seconds: float) -> None:
        """For a client that takes too much: reads nothing more from it, and drops the
        connection grace_seconds later, whether or not it answers the close. A server
        otherwise reads on until the client's close reply, which a flooder never sends
        (uvicorn for 10 s, at the flood's full speed; daphne into a queue nobody reads)."""
        self.shut = True
        self.stop_reading()
        asyncio.get_running_loop().call_later(grace_seconds, self.drop)

    def drop(self) -> None:
        """Closes the connection at once, whatever is unsent or unread."""
        if self._twisted:
            self._transport.abortConnection()
        else:
            self._transport.abort()


def server_transport(send: Any) -> ServerTransport | None:
    """Returns the transport of the server's socket behind an ASGI send callable, where
    the server lets it be seen; else None.

    daphne's send is a partial of its handle_reply over the socket's protocol; uvicorn's
    is a method of its protocol. The protocol holds its transport.
    """
    # Channels' SessionMiddleware wraps send; the server's own is its real_send.
    while hasattr(getattr(send, "__self__", None), "real_send"):
        send = send.__self__.real_send
    if isinstance(send, functools.partial) and send.args:
        protocol = send.args[0]
    else:
        protocol = getattr(send, "__self__", None)
    transport = getattr(protocol, "transport", None)
    if transport is None:
        return None
    if hasattr(transport, "get_write_buffer_size") and hasattr(transport, "pause_reading"):  # asyncio's
        return ServerTransport(protocol, transport, twisted=False)
    if hasattr(transport, "dataBuffer") and hasattr(transport, "_tempDataLen"):  # Twisted's
        return ServerTransport(protocol, transport, twisted=True)
    return None
