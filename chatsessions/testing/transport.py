"""How a test client reaches a chat: in this process through the ASGI interface, or a live
server over a real WebSocket. Both carry JSON text frames and say when the socket closed."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Protocol

from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from ..live.consumers import APP_MODULE_SCOPE_KEY, ChatConsumer


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
        communicator = WebsocketCommunicator(ChatConsumer.as_asgi(), socket_path(self.app_name))
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
        # Not the communicator's receive_output: at its timeout it cancels the consumer,
        # and a test that waited too long would find the chat gone.
        communicator = self.communicator
        getting = asyncio.ensure_future(communicator.output_queue.get())
        done, _ = await asyncio.wait(
            {getting, communicator.future}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if getting not in done:
            getting.cancel()
            if communicator.future.done():
                communicator.future.result()  # the consumer exited: its exception, if any
                self.closed = Closed(1006)
                return self.closed
            raise TimeoutError
        output = getting.result()
        if output["type"] == "websocket.close":
            self.closed = Closed(output.get("code", 1000))
            return self.closed
        return str(output["text"])

    async def close(self) -> None:
        if self.communicator is not None:
            communicator, self.communicator = self.communicator, None
            await communicator.disconnect()


def socket_path(app_name: str) -> str:
    """The socket path of a chat app, as chatsessions.routing serves it."""
    return "/ws/chat/" if app_name == "default" else f"/ws/chat/{app_name}/"


def login_cookie(user: Any) -> str:
    """Logs user in through a Django session in the database; returns the Cookie header."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}"


class Live:
    """A real WebSocket to a running server (daphne, uvicorn, Channels' live server)."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.url = url
        self.headers = headers
        self.socket: Any = None

    @classmethod
    def to(cls, server: str, path: str, cookie: str | None) -> Live:
        """A socket to path on server (its http:// or https:// URL), with the page's Origin."""
        scheme = "wss" if server.startswith("https") else "ws"
        headers = {"Origin": server, **({"Cookie": cookie} if cookie else {})}
        return cls(f"{scheme}{server.removeprefix('http')}{path}", headers)

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
