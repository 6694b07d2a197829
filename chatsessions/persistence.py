"""The database side of a chat: session rows, transcript writes and history reads.

Everything here is synchronous ORM code; chat.py calls it through
database_sync_to_async, off the event loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import Max

from .models import ChatMessage, ChatSession


@dataclass
class Batch:
    """Transcript changes and session fields waiting to be written, in order."""

    # Field values of new ChatMessage rows; the rows are built off the event loop.
    created: list[dict[str, Any]] = field(default_factory=list)
    # (message_id, new content or None for removal), applied after the creations.
    changed: list[tuple[str, str | None]] = field(default_factory=list)
    session_fields: dict[str, Any] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.created or self.changed or self.session_fields)

    def merge_after(self, earlier: Batch) -> Batch:
        """Returns one batch holding earlier's changes, then this one's."""
        return Batch(
            created=earlier.created + self.created,
            changed=earlier.changed + self.changed,
            session_fields={**earlier.session_fields, **self.session_fields},
        )


def create_session(**fields: Any) -> ChatSession:
    """Inserts a new session row."""
    return ChatSession.objects.create(**fields)


def load_session(session_id: str) -> tuple[ChatSession | None, int]:
    """Returns a session row and the next free message sequence, or (None, 0)."""
    session = ChatSession.objects.filter(pk=session_id).first()
    if session is None:
        return None, 0
    last = session.messages.aggregate(last=Max("sequence"))["last"]
    return session, (last or 0) + 1


def claim(session_id: str, seen_epoch: int) -> bool:
    """Takes the chat over for this process, if nobody claimed it since seen_epoch."""
    claimed = (
        ChatSession.objects.filter(pk=session_id, holder_epoch=seen_epoch)
        .exclude(status=ChatSession.Status.ENDED)
        .update(holder_epoch=seen_epoch + 1, status=ChatSession.Status.LIVE)
    )
    return claimed == 1


def holds(session_id: str, epoch: int) -> bool:
    """Tells whether the claim epoch is still the chat's current one."""
    return ChatSession.objects.filter(pk=session_id, holder_epoch=epoch).exists()


def write_batches(items: list[tuple[str, int, Batch]], now: datetime) -> set[str]:
    """Writes the batches of several chats in one transaction, so a reader never sees half
    of one. Returns the ids of the chats another process has claimed since: their batches
    are not written."""
    superseded: set[str] = set()
    created: list[ChatMessage] = []
    changed: list[tuple[str, str, str | None]] = []
    with transaction.atomic():
        for session_id, epoch, batch in items:
            # First, so that on PostgreSQL the row lock orders this against a claim.
            updated = ChatSession.objects.filter(pk=session_id, holder_epoch=epoch).update(
                last_activity_at=now, **batch.session_fields
            )
            if not updated:
                superseded.add(session_id)
                continue
            created.extend(ChatMessage(session_id=session_id, **fields) for fields in batch.created)
            changed.extend((session_id, message_id, content) for message_id, content in batch.changed)
        ChatMessage.objects.bulk_create(created)
        for session_id, message_id, content in changed:
            rows = ChatMessage.objects.filter(session_id=UUID(session_id), message_id=message_id)
            if content is None:
                rows.delete()
            else:
                rows.update(content=content)
    return superseded


def load_history(session_id: str, limit: int) -> list[ChatMessage]:
    """Returns the last limit messages of a session, oldest first."""
    newest = ChatMessage.objects.filter(session_id=UUID(session_id)).order_by("-sequence")[:limit]
    return list(reversed(newest))
