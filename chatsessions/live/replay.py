"""Replay: a chat's stored rows shown again, as the frames the chat sent (for a resumed
chat, its older pages, and a chat rebuilt in another process).
"""

from __future__ import annotations

from typing import Any

from ..handler_api.actions import Action
from ..handler_api.message import Message
from ..models import ChatMessage
from ..storage import feedback
from ..storage.files import with_urls
from ..storage.history import messages_before
from ..wire import frames


def stored(row: ChatMessage) -> Message:
    """A message as the database keeps it, for a message frame or a chat's root message."""
    message = Message(row.content, author=row.author, id=row.message_id, role=row.role)
    message.created = row.created_at
    message.is_error = bool((row.meta or {}).get("is_error"))
    message.command = (row.meta or {}).get("command")
    return message


def replayed(rows: list[ChatMessage], user: Any) -> list[dict[str, Any]]:
    """The frames that show rows again: messages with their action buttons and the
    user's feedback, and steps. One query for the feedback, however many rows."""
    given = feedback.given(rows[0].session_id, [row.message_id for row in rows], user) if rows else {}
    shown = []
    for row in rows:
        meta = row.meta or {}
        if row.role == ChatMessage.Role.STEP:
            step = frames.step({**meta, "id": row.message_id, "name": row.author, "output": row.content})
            if meta.get("elements"):
                step["elements"] = with_urls(meta["elements"])
            shown.append(step)
            continue
        actions = [Action.from_dict(action).to_frame() for action in meta.get("actions", ())]
        frame = frames.message(stored(row), actions, with_urls(meta.get("elements", [])))
        if row.message_id in given:
            frame["feedback"] = given[row.message_id]
        shown.append(frame)
    return shown


def conversation_of(shown: list[dict[str, Any]]) -> list[Message]:
    """The user and assistant messages of replayed frames, for a rebuilt chat's
    cl.chat_context."""
    return [
        Message(frame["content"], author=frame["author"], id=frame["id"], role=frame["role"])
        for frame in shown
        if frame["type"] == "message" and frame["role"] in ("user", "assistant")
    ]


def page(
    session_id: Any, before: int | None, limit: int, user: Any
) -> tuple[list[dict[str, Any]], int | None]:
    """The frames of the limit messages and steps before before (see messages_before)."""
    rows, older = messages_before(session_id, before, limit)
    return replayed(rows, user), older


def stored_actions(session_id: Any) -> list[Action]:
    """The action buttons the chat's transcript still shows (for a chat rebuilt here)."""
    rows = ChatMessage.objects.filter(session_id=session_id, meta__has_key="actions")
    metas = rows.values_list("meta", flat=True)
    return [Action.from_dict(action) for meta in metas if meta for action in meta.get("actions", ())]
