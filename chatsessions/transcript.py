"""Transcript: what a chat says, in order, to its socket and to its journal.

It is the chat as handler code sees it (session.RunningChat): the store behind
user_session, and the messages Message.send, stream_token, update and remove make.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from . import frames
from .conf import get_config
from .delivery import Delivery
from .frames import MessageLike
from .history import fold_title
from .journal import Journal
from .message import Message
from .models import ChatMessage
from .session import SessionStore
from .writer import writer


class Transcript:
    """One chat's messages: sent through its delivery, kept through its journal."""

    __slots__ = ("delivery", "journal")

    def __init__(self, journal: Journal, delivery: Delivery) -> None:
        self.journal = journal
        self.delivery = delivery

    @property
    def store(self) -> SessionStore:
        return self.journal.store

    async def send(self, frame: dict[str, Any]) -> None:
        """Sends a frame that the transcript does not keep (a token, a task, an error)."""
        await self.delivery.send(frame)

    def record(self, message: MessageLike) -> None:
        """Keeps a message without sending it (the user's own), timed now if not yet. The
        first user message of an untitled chat titles it."""
        if message.created is None:
            message.created = timezone.now()
        self.journal.added(message.id, message.role, message.author, message.content, message.created)
        self.store.reserved["root_message"] = message
        if message.role == ChatMessage.Role.USER and not self.journal.title:
            self.set_title(message.content)

    def set_title(self, title: str) -> None:
        """Titles the chat: white space folded, cut to the column with an ellipsis."""
        folded = fold_title(title)
        if folded:
            self.journal.titled(folded)

    async def change_settings(self, values: dict[str, Any]) -> dict[str, Any]:
        """Sets validated settings values, keeps and confirms them; returns all settings."""
        settings = {**self.store.reserved["chat_settings"], **values}
        self.store.reserved["chat_settings"] = settings
        self.journal.settings(settings)
        await self.delivery.send(frames.settings(settings))
        return settings

    async def add_message(self, message: MessageLike) -> None:
        """Keeps a new message and sends it."""
        self.record(message)
        await self._send_kept(frames.message(message))

    async def add_notice(self, content: str, author: str) -> None:
        """Adds a notice from outside the chat (staff, say), written within the delay."""
        await self.add_message(Message(content, author=author, role=ChatMessage.Role.NOTICE))
        writer().mark(self.journal)

    async def edit_message(self, message: MessageLike) -> None:
        """Replaces a sent message's content."""
        self.journal.edited(message.id, message.content)
        await self._send_kept(frames.update(message.id, message.content))

    async def remove_message(self, message: MessageLike) -> None:
        """Removes a sent message."""
        self.journal.removed(message.id)
        await self._send_kept(frames.remove(message.id))

    async def _send_kept(self, frame: dict[str, Any]) -> None:
        """Sends a frame that changes the transcript; with WRITE_DELAY_SECONDS = 0 only
        once the change is committed, so that nothing a client saw can be lost."""
        if not get_config()["WRITE_DELAY_SECONDS"]:
            await writer().committed(self.journal)
        await self.delivery.send(frame)

    async def handler_done(self) -> None:
        """Has a handler's changes written: within the write delay, or now if it is 0."""
        if get_config()["WRITE_DELAY_SECONDS"]:
            writer().mark(self.journal)
        else:
            await writer().committed(self.journal)

    async def flush(self) -> None:
        """Writes the changes so far, now."""
        await writer().write([self.journal])
