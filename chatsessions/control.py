"""Server-side control of chats through the channel layer: end one, or post a notice.

Every live chat listens on the group group_name(session_id), on whichever process
holds it, so a view, a management command or a background task can reach it.
"""

from __future__ import annotations

import asyncio
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

END = "chat.end"
NOTICE = "chat.notice"
# A process resuming a chat asks its holder to write everything and let go.
RELEASE = "chat.release"
RELEASED = "chat.released"


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


async def arequest_release(session_id: Any, wait_seconds: float) -> bool:
    """Asks the process holding the chat, if any, to write it out and let go; returns
    whether one said it did within wait_seconds. Raises if the layer is unreachable."""
    layer = get_channel_layer()
    if layer is None:
        return False
    reply_to = await layer.new_channel()
    await layer.group_send(group_name(session_id), {"type": RELEASE, "reply_to": reply_to})
    try:
        async with asyncio.timeout(wait_seconds):
            while (await layer.receive(reply_to)).get("type") != RELEASED:
                pass
    except TimeoutError:
        return False
    return True


async def _send(session_id: Any, event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("CHANNEL_LAYERS is not configured, so live chats cannot be reached")
    await layer.group_send(group_name(session_id), event)
