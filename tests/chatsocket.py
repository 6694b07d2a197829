"""ChatSocket: a test client that speaks the chat protocol over a WebsocketCommunicator."""

from __future__ import annotations

import json
from typing import Any

from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from chatsessions.routing import websocket_urlpatterns

application = URLRouter(websocket_urlpatterns)


class SocketClosed(AssertionError):
    def __init__(self, code: int) -> None:
        super().__init__(f"socket closed with code {code}")
        self.code = code


class ChatSocket:
    """One socket of one test user; frames in and out as dicts."""

    def __init__(self, user: Any = None, path: str = "/ws/chat/probe/") -> None:
        self.communicator = WebsocketCommunicator(application, path)
        self.communicator.scope["user"] = user if user is not None else AnonymousUser()

    async def connect(self) -> ChatSocket:
        connected, _ = await self.communicator.connect()
        assert connected
        return self

    async def send(self, frame: dict[str, Any] | str) -> None:
        await self.communicator.send_to(text_data=frame if isinstance(frame, str) else json.dumps(frame))

    async def receive(self, timeout: float = 5) -> dict[str, Any]:
        output = await self.communicator.receive_output(timeout)
        if output["type"] == "websocket.close":
            raise SocketClosed(output.get("code", 1000))
        return json.loads(output["text"])

    async def expect(self, frame_type: str, timeout: float = 5) -> dict[str, Any]:
        """Returns the next frame of frame_type, skipping task frames on the way."""
        while True:
            frame = await self.receive(timeout)
            if frame["type"] == frame_type:
                return frame
            assert frame["type"] == "task", f"expected {frame_type}, got {frame}"

    async def start(self, *, wait_for_handler: bool = True, **fields: Any) -> dict[str, Any]:
        """Starts (or resumes) the chat; waits out on_chat_start (or on_chat_resume)."""
        await self.send({"type": "start", **fields})
        session = await self.expect("session")
        if wait_for_handler:
            self.start_frames = await self.until_task_end()
        return session

    async def say(self, content: str, **fields: Any) -> list[dict[str, Any]]:
        """Sends a message; returns the frames up to the end of its handler's task."""
        await self.send({"type": "message", "content": content, **fields})
        return await self.until_task_end()

    async def until_task_end(self) -> list[dict[str, Any]]:
        frames = []
        assert (await self.receive()) == {"type": "task", "state": "start"}
        while (frame := await self.receive()) != {"type": "task", "state": "end"}:
            frames.append(frame)
        return frames

    async def reply(self, content: str) -> str:
        """Sends a message and returns the content of the one message it gets back."""
        messages = [frame["content"] for frame in await self.say(content) if frame["type"] == "message"]
        assert len(messages) == 1, messages
        return messages[0]

    async def closed(self, timeout: float = 5) -> int:
        """Waits for the server to close the socket, skipping frames; returns the code."""
        while True:
            try:
                await self.receive(timeout)
            except SocketClosed as closed:
                return closed.code

    async def disconnect(self) -> None:
        await self.communicator.disconnect()
