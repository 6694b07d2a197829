"""Per-socket memory bounds: the inbound byte budget, and the probe of what the server
holds unsent for a socket that does not read."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

#: Every frame costs at least this much of the budget: a flood of tiny frames is a flood.
MIN_FRAME_COST = 256


class InboundBudget:
    """How many bytes a socket may send per window. Past the budget its frames are
    refused unread; past twice the budget it is closed."""

    __slots__ = ("_budget", "_used", "_window", "_window_start")

    ALLOW, REFUSE, CLOSE = 0, 1, 2

    def __init__(self, budget: int, window: float, now: float) -> None:
        self._budget = budget
        self._window = window
        self._window_start = now
        self._used = 0

    def take(self, size: int, now: float) -> int:
        """Charges a frame of size bytes; returns ALLOW, REFUSE or CLOSE."""
        if now - self._window_start >= self._window:
            self._window_start, self._used = now, 0
        self._used += max(size, MIN_FRAME_COST)
        if self._used <= self._budget:
            return self.ALLOW
        return self.REFUSE if self._used <= 2 * self._budget else self.CLOSE


def frame_size(text: str | None, data: bytes | None) -> int:
    """Returns a frame's size in bytes, without encoding an ASCII one."""
    if text is not None:
        return len(text) if text.isascii() else len(text.encode())
    return len(data or b"")


def unsent_bytes_probe(send: Any) -> Callable[[], int] | None:
    """Returns a function telling how many bytes the server holds unsent for the socket
    behind an ASGI send callable, where the server lets that be seen; else None.

    ASGI gives an application no backpressure: daphne (Twisted) buffers whatever it is
    sent for a client that does not read, without end. Its send is a partial of its
    handle_reply over the socket's protocol; uvicorn's is a method of its protocol. The
    protocol's transport knows its buffer.
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
    if hasattr(transport, "get_write_buffer_size"):  # asyncio's (uvicorn)
        return transport.get_write_buffer_size
    if hasattr(transport, "dataBuffer") and hasattr(transport, "_tempDataLen"):  # Twisted's (daphne)
        return lambda: len(transport.dataBuffer) - transport.offset + transport._tempDataLen
    return None
