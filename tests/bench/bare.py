"""The yardstick: a bare Channels consumer keeping the counter on self, no chatsessions."""

from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer


class BareCounter(AsyncJsonWebsocketConsumer):
    """Counts the messages of its socket and answers as the counter example does."""

    async def connect(self) -> None:
        if not self.scope["user"].is_authenticated:
            await self.close(4401)
            return
        self.counter = 0
        await self.accept()

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        self.counter += 1
        await self.send_json({"type": "message", "content": f"You sent {self.counter} message(s)!"})
