"""Server-side control of chats through the channel layer: end one, or post a notice.

Every live chat listens on the group group_name(session_id), on whichever process
holds it, so a view, a management command or a background task can reach it.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

END = "chat.end"
NOTICE = "chat.notice"


def group_name(session_id: Any) -> str:
    """Returns the channel layer group a live chat listens on."""
    return f"chatsession.{session_id}"


async def aend_chat(session_id: Any) -> None:
    """Asks the live chat to end: on_chat_end runs once, its socket closes with 4000."""
    await _send(session_id, {"type": END})


async def asend_notice(session_id: Any, content: str, author: str) -> None:
    """Posts a message from author (a member of staff, say) into the live chat."""
    await _send(session_id, {"type": NOTICE, "content": content, "author": author})


def end_chat(session_id: Any) -> None:
    """Sync form of aend_chat, for views and management commands."""
    async_to_sync(aend_chat)(session_id)


def send_notice(session_id: Any, content: str, author: str) -> None:
    """Sync form of asend_notice, for views and management commands."""
    async_to_sync(asend_notice)(session_id, content, author)


async def _send(session_id: Any, event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("CHANNEL_LAYERS is not configured, so live chats cannot be reached")
    await layer.group_send(group_name(session_id), event)
