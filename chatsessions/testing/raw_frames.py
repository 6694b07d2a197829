"""The frames themselves, for a test of the protocol: ChatClient sends any frame as it is,
and reads the server's one by one (the copilot's call_fn and window_message included)."""

from __future__ import annotations

from typing import Any

from .socket import TestSocket


class RawFrames:
    """The raw-frame part of ChatClient."""

    socket: TestSocket

    async def send_frame(self, frame: dict[str, Any] | str | bytes) -> None:
        """Sends one frame as it is (a dict as JSON, a str verbatim, bytes as binary)."""
        await self.socket.send(frame)

    async def receive(self, timeout: float | None = None) -> dict[str, Any]:
        """Returns the next frame; raises ChatClosed if the server closed the socket."""
        return await self.socket.receive(timeout)

    async def expect(self, frame_type: str, timeout: float | None = None) -> dict[str, Any]:
        """Returns the next frame of frame_type, passing over others; raises ChatError at an
        error frame (unless that is the type expected) and ChatClosed at the close."""
        return await self.socket.expect(frame_type, timeout)

    async def closed(self, timeout: float | None = None) -> int:
        """Waits for the server to close the socket, passing over frames; returns the code."""
        return await self.socket.closed(timeout)

    @property
    def close_code(self) -> int | None:
        """The close code, once the server closed the socket."""
        return self.socket.close_code
