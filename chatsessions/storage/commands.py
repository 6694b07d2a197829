"""Control commands kept in the database until the chat's process has applied them.

A control action (end, notice, login recheck, new title) is recorded here before it is
sent through the channel layer. The process that holds the chat applies it from the
layer at once, or from here: while the layer is down (it looks every second), when the
layer is back, and at each heartbeat. Then it deletes it. So an action sent during a
layer outage, or lost by the layer, still reaches its chat.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from ..models import ChatCommand

#: A command no process applied within this long (its chat held nowhere, say) is dropped.
COMMAND_LIFETIME_SECONDS = 3600.0


def record(session_id: Any, event: dict[str, Any]) -> int:
    """Keeps the command; returns its id, which the layer's event carries."""
    return int(ChatCommand.objects.create(session_id=session_id, event=event).pk)


def pending() -> list[tuple[int, dict[str, Any]]]:
    """Every command not yet applied, oldest first, as (id, event)."""
    since = timezone.now() - timedelta(seconds=COMMAND_LIFETIME_SECONDS)
    rows = ChatCommand.objects.filter(created_at__gte=since).values_list("id", "session_id", "event")
    return [(command_id, {**event, "session_id": str(session_id)}) for command_id, session_id, event in rows]


def forget(command_ids: list[int]) -> None:
    """Deletes commands once applied."""
    ChatCommand.objects.filter(id__in=command_ids).delete()


def forget_stale() -> None:
    """Deletes the commands that no process applied in their lifetime."""
    ChatCommand.objects.filter(
        created_at__lt=timezone.now() - timedelta(seconds=COMMAND_LIFETIME_SECONDS)
    ).delete()
