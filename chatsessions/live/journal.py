"""The journal: what one chat changed since its last write, handed to the writer in batches.

A chat tells its journal what happened (a message sent, edited or removed, settings or
status changed) in typed calls; the writer takes a Batch of it, and gives it back if the
database could not take it. A Batch is batches.py's; how it becomes rows is
persistence.py's business.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from enum import Enum
from typing import Any

from ..handler_api.session import SessionStore
from ..models import ChatMessage, ChatSession
from ..storage.batches import Batch, Edit, NewMessage, SessionChanges


class Lost(Enum):
    """Why the writer could not write a chat, for good."""

    SUPERSEDED = "another process has claimed the chat"
    DELETED = "the chat's row is gone"


class Journal:
    """One chat's changes not written yet, and the numbering of its transcript."""

    __slots__ = (
        "_batch",
        "_next_sequence",
        "epoch",
        "message_count",
        "on_lost",
        "session_id",
        "store",
        "title",
    )

    def __init__(
        self,
        session_id: str,
        epoch: int,
        store: SessionStore,
        message_count: int,
        next_sequence: int,
        on_lost: Callable[[Lost], Awaitable[None]],
        title: str = "",
    ) -> None:
        self.session_id = session_id
        # Which claim on the row this process holds; writes of an older claim are refused.
        self.epoch = epoch
        self.store = store
        self.message_count = message_count
        self._next_sequence = next_sequence
        self.on_lost = on_lost
        self.title = title
        self._batch = Batch(session=SessionChanges(status=ChatSession.Status.LIVE))

    def added(
        self,
        message_id: str,
        role: str,
        author: str,
        content: str,
        created_at: datetime,
        meta: dict[str, Any] | None = None,
    ) -> None:
        self._batch.messages.append(
            NewMessage(self._next_sequence, message_id, role, author, content, created_at, meta)
        )
        self._next_sequence += 1
        if role != ChatMessage.Role.STEP:  # a step is part of a message, not one of its own
            self.message_count += 1

    def edited(
        self, message_id: str, content: str | None, meta: dict[str, Any] | None = None, merge: bool = False
    ) -> None:
        self._batch.edits.append(Edit(message_id, content, meta, merge=merge))

    def removed(self, message_id: str, role: str) -> None:
        self._batch.edits.append(Edit(message_id, removed=True))
        if role != ChatMessage.Role.STEP:
            self.message_count = max(self.message_count - 1, 0)

    @property
    def transcript_pending(self) -> bool:
        """Whether messages or their changes wait to be written (a read of the history
        would miss them)."""
        return bool(self._batch.messages or self._batch.edits)

    def status(self, status: ChatSession.Status) -> None:
        self._batch.session.status = status

    def ended(self, at: datetime) -> None:
        self._batch.session.status = ChatSession.Status.ENDED
        self._batch.session.ended_at = at

    def titled(self, title: str) -> None:
        self.title = self._batch.session.title = title

    def renamed(self, title: str) -> None:
        """The user renamed the chat, in its row already: a title not yet written is
        dropped, and the first user message does not title it again."""
        self.title = title
        self._batch.session.title = None

    def settings(self, values: dict[str, Any]) -> None:
        self._batch.session.chat_settings = values

    def env_keys(self, keys: list[str]) -> None:
        self._batch.session.env_keys = keys

    def take(self) -> Batch:
        """Hands over everything to write since the last time, store snapshot included."""
        if self.store.dirty:
            self._batch.session.store, self._batch.session.unpersisted_keys = self.store.snapshot()
        batch, self._batch = self._batch, Batch()
        if batch:
            batch.session.message_count = self.message_count
        return batch

    def give_back(self, batch: Batch) -> None:
        """Takes back a batch that could not be written, ahead of what came since."""
        self._batch = self._batch.after(batch)
