"""How a test client reaches a chat: in this process through the ASGI interface, or a live
server over a real WebSocket. Both carry JSON text frames and say when the socket closed."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Protocol

from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from ..consumers import APP_MODULE_SCOPE_KEY, ChatConsumer


@dataclass(frozen=True)
class Closed:
    """The server closed the socket with code."""

    code: int


class Transport(Protocol):
    async def connect(self) -> None: ...

    async def send(self, data: str | bytes) -> None: ...

    async def receive(self, timeout: float) -> str | Closed:
        """Returns the next text frame, or Closed; raises TimeoutError after timeout."""

    async def close(self) -> None: ...


class InProcess:
    """The chat consumer run in this event loop by Channels' communicator: no server, no
    port; the user is put in the scope as the auth middleware would."""

    def __init__(self, app_name: str, module: str | None, user: Any) -> None:
        self.app_name = app_name
        self.module = module
        self.user = user
        self.communicator: WebsocketCommunicator | None = None
        self.closed: Closed | None = None

    async def connect(self) -> None:
        path = "/ws/chat/" if self.app_name == "default" else f"/ws/chat/{self.app_name}/"
        communicator = WebsocketCommunicator(ChatConsumer.as_asgi(), path)
        communicator.scope["user"] = self.user if self.user is not None else AnonymousUser()
        communicator.scope["url_route"] = {"args": (), "kwargs": {"app": self.app_name}}
        if self.module is not None:
            communicator.scope[APP_MODULE_SCOPE_KEY] = self.module
        connected, _ = await communicator.connect()
        if not connected:
            raise ConnectionError("the chat consumer refused the connection")
        self.communicator = communicator
        self.closed = None

    async def send(self, data: str | bytes) -> None:
        assert self.communicator is not None
        if isinstance(data, bytes):
            await self.communicator.send_to(bytes_data=data)
        else:
            await self.communicator.send_to(text_data=data)

    async def receive(self, timeout: float) -> str | Closed:
        assert self.communicator is not None
        if self.closed is not None:
            return self.closed
        try:
            output = await self.communicator.receive_output(timeout)
        except TimeoutError:
            raise TimeoutError from None
        if output["type"] == "websocket.close":
            self.closed = Closed(output.get("code", 1000))
            return self.closed
        return str(output["text"])

    async def close(self) -> None:
        if self.communicator is not None:
            communicator, self.communicator = self.communicator, None
            await communicator.disconnect()


class Live:
    """A real WebSocket to a running server (daphne, uvicorn, Channels' live server)."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.url = url
        self.headers = headers
        self.socket: Any = None

    async def connect(self) -> None:
        try:
            from websockets.asyncio.client import connect
        except ImportError:  # pragma: no cover - depends on the environment
            raise ImportError("a ChatClient for a live server needs the websockets package") from None
        self.socket = await connect(self.url, additional_headers=self.headers)

    async def send(self, data: str | bytes) -> None:
        await self.socket.send(data)

    async def receive(self, timeout: float) -> str | Closed:
        from websockets.exceptions import ConnectionClosed

        try:
            return str(await asyncio.wait_for(self.socket.recv(), timeout))
        except ConnectionClosed as closed:
            return Closed(closed.rcvd.code if closed.rcvd else 1006)

    async def close(self) -> None:
        if self.socket is not None:
            socket, self.socket = self.socket, None
            await socket.close()
