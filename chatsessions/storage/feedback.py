"""Feedback: a user's thumbs up or down, with an optional comment, on an assistant
message; one per user and message, changed by giving it again."""

from __future__ import annotations

from typing import Any

from ..models import ChatFeedback, ChatMessage
from ..wire.protocol import MAX_COMMENT_LENGTH
from . import persistence


def save(session_id: Any, message_id: str, user: Any, value: int, comment: str) -> int | None:
    """Keeps user's feedback on the assistant message message_id of the chat; returns
    its id, or None if the chat has no such message."""
    if not ChatMessage.objects.filter(
        session_id=session_id, message_id=message_id, role=ChatMessage.Role.ASSISTANT
    ).exists():
        return None
    row, _ = ChatFeedback.objects.update_or_create(
        session_id=session_id,
        message_id=message_id,
        user=user,
        defaults={"value": value, "comment": comment[:MAX_COMMENT_LENGTH]},
    )
    return int(row.pk)


def given(session_id: Any, message_ids: list[str], user: Any) -> dict[str, dict[str, Any]]:
    """The user's feedback on those messages of the chat, by message id."""
    if not message_ids:
        return {}
    return {
        message_id: {"value": value, "comment": comment}
        for message_id, value, comment in persistence.feedback_on(session_id, message_ids, user)
    }
