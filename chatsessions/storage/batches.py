"""Batches: one chat's changes to write, in order (new messages, edits, its record), as
the writer hands them to persistence.py. A chat's journal (live/journal.py) fills them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from typing import Any, NamedTuple


class NewMessage(NamedTuple):
    """A message to add to the transcript (a tuple: one is made per message, cheaply)."""

    sequence: int
    message_id: str
    role: str
    author: str
    content: str
    created_at: datetime
    # A message's actions, a step's name, type, parent, input, times (see models.ChatMessage).
    meta: dict[str, Any] | None = None


class Edit(NamedTuple):
    """A change to a message already added: new content and meta (None keeps what is
    there; with merge, meta's keys replace only those keys), or its removal."""

    message_id: str
    content: str | None = None
    meta: dict[str, Any] | None = None
    removed: bool = False
    merge: bool = False


@dataclass(slots=True)
class SessionChanges:
    """New values of the chat's own record; None leaves a value as it is."""

    status: str | None = None
    title: str | None = None
    chat_settings: dict[str, Any] | None = None
    env_keys: list[str] | None = None
    store: dict[str, Any] | None = None
    unpersisted_keys: dict[str, str] | None = None
    ended_at: datetime | None = None
    message_count: int | None = None

    def changed(self) -> dict[str, Any]:
        """Returns the values set, by name."""
        return {name: value for name in _CHANGE_NAMES if (value := getattr(self, name)) is not None}

    def __bool__(self) -> bool:
        return any(getattr(self, name) is not None for name in _CHANGE_NAMES)

    def over(self, earlier: SessionChanges) -> SessionChanges:
        """Returns earlier's values with this one's on top."""
        return replace(earlier, **self.changed())


_CHANGE_NAMES = tuple(f.name for f in fields(SessionChanges))


@dataclass(slots=True)
class Batch:
    """A chat's changes to write, in order: new messages, then edits, then its record."""

    messages: list[NewMessage] = field(default_factory=list)
    # Applied after the new messages, in order.
    edits: list[Edit] = field(default_factory=list)
    session: SessionChanges = field(default_factory=SessionChanges)
    # Some of it may be written already: a write of it was cancelled, and may have
    # committed all the same. Its messages are then inserted unless they are there.
    maybe_written: bool = False

    def __bool__(self) -> bool:
        return bool(self.messages or self.edits or self.session)

    def after(self, earlier: Batch) -> Batch:
        """Returns one batch holding earlier's changes, then this one's."""
        return Batch(
            earlier.messages + self.messages,
            earlier.edits + self.edits,
            self.session.over(earlier.session),
            earlier.maybe_written or self.maybe_written,
        )
