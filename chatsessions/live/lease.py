"""Worker leases: every server process beats a heartbeat while it serves sockets, and
ends the chats of a process that stopped beating (killed, or stopped and never resumed).

A chat is orphaned when the worker holding it has missed 3 heartbeats and the chat has
been idle for RESUME_GRACE_SECONDS: nobody would ever end it otherwise. Any live worker
(or `manage.py chatsessions_reap`) claims it with the same epoch fence a resume uses, so
exactly one process runs its on_chat_end.
"""

from __future__ import annotations

import asyncio
import logging

from channels.db import database_sync_to_async

from ..conf import MISSED_BEATS, get_config
from ..storage import commands, persistence
from .chat import LiveChat, listener, live_chats
from .loops import per_event_loop
from .opening import adopt_orphan

logger = logging.getLogger("chatsessions")


def lease_seconds() -> float:
    """How long a worker may stay silent before its chats are taken for orphans."""
    return MISSED_BEATS * float(get_config()["HEARTBEAT_SECONDS"])


async def end_orphans() -> list[LiveChat]:
    """Ends the orphaned chats here; returns them, their on_chat_end queued."""
    session_ids = await database_sync_to_async(persistence.orphans)(
        lease_seconds(), float(get_config()["RESUME_GRACE_SECONDS"])
    )
    adopted = []
    for session_id in session_ids:
        if session_id in live_chats:
            continue
        try:
            chat = await adopt_orphan(session_id)
        except Exception:
            logger.exception("chat %s: its worker stopped, and it could not be ended here", session_id)
            continue
        if chat is not None:
            logger.info("chat %s: its worker stopped; ended here", session_id)
            adopted.append(chat)
    return adopted


class Heartbeat:
    """This event loop's heartbeat: records the worker alive, applies the recorded
    control commands of its chats, then ends orphans."""

    def __init__(self) -> None:
        self._task: asyncio.Task[None] | None = None

    def ensure_running(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._beat(), name="chatsessions heartbeat")

    async def _beat(self) -> None:
        while True:
            # First a wait: a worker's chats are safe until it has missed 3 beats, and a
            # short-lived loop (a test's) never touches the table.
            await asyncio.sleep(float(get_config()["HEARTBEAT_SECONDS"]))
            try:
                await database_sync_to_async(persistence.beat)(persistence.this_worker())
                await listener().apply_recorded()  # any the layer lost
                await end_orphans()
                await database_sync_to_async(persistence.forget_dead_workers)(100 * lease_seconds())
                await database_sync_to_async(commands.forget_stale)()
            except Exception:
                logger.warning("heartbeat failed; trying again at the next one", exc_info=True)


#: Returns the heartbeat of the running event loop.
heartbeat = per_event_loop(Heartbeat)
