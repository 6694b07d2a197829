"""Write-behind: one writer per event loop batches every chat's changes into one transaction.

Handlers never wait for the database. After a handler, its chat is marked; at most
WRITE_DELAY_SECONDS later the writer takes every marked chat's transcript changes and
store snapshot and writes them all in one transaction, in one trip to a worker thread.
What must be written at once (a chat handed over, ending, or replaying its history)
is written through the same writer, so one chat's writes never overtake each other.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from channels.db import database_sync_to_async
from django.utils import timezone

from . import persistence
from .conf import get_config
from .loops import per_event_loop

if TYPE_CHECKING:
    from .chat import LiveChat

logger = logging.getLogger("chatsessions")

# After a failed write, retry after this many seconds, doubling up to the maximum.
RETRY_FIRST_SECONDS, RETRY_MAX_SECONDS = 0.5, 30.0


class DatabaseHealth:
    """Whether this process can write; logs once when that changes, never per write."""

    failing = False

    @classmethod
    def failed(cls) -> None:
        if not cls.failing:
            logger.exception("cannot write to the database; chats go on from memory and retry")
        cls.failing = True

    @classmethod
    def worked(cls) -> None:
        if cls.failing:
            logger.warning("database writes work again; pending chat writes are written")
        cls.failing = False


class Writer:
    """Batches the writes of this event loop's chats."""

    def __init__(self) -> None:
        self._marked: dict[str, LiveChat] = {}
        self._lock = asyncio.Lock()
        self._loop_task: asyncio.Task[None] | None = None
        # Chats awaiting committed(): resolved by the next write that starts after them.
        self._waiters: list[asyncio.Future[None]] = []

    def mark(self, chat: LiveChat) -> None:
        """Notes that chat has changes to write within WRITE_DELAY_SECONDS."""
        self._marked.setdefault(chat.id, chat)
        if self._loop_task is None or self._loop_task.done():
            self._loop_task = asyncio.create_task(self._write_marked(), name="chatsessions writer")

    async def committed(self, chat: LiveChat) -> None:
        """Returns once chat's changes so far are committed: the durable mode
        (WRITE_DELAY_SECONDS = 0). The chats that ask meanwhile share one transaction
        (a group commit), and through an outage they wait until it is over."""
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        self.mark(chat)
        await asyncio.shield(waiter)

    async def _write_marked(self) -> None:
        delay = get_config()["WRITE_DELAY_SECONDS"]
        while self._marked or self._waiters:
            await asyncio.sleep(delay)  # with no delay, a turn of the loop: others join in
            waiters, self._waiters = self._waiters, []
            if await self.write(list(self._marked.values())):
                delay = get_config()["WRITE_DELAY_SECONDS"]
                for waiter in waiters:
                    if not waiter.done():
                        waiter.set_result(None)
            else:
                self._waiters = waiters + self._waiters
                delay = min(max(delay * 2, RETRY_FIRST_SECONDS), RETRY_MAX_SECONDS)

    async def write(self, chats: list[LiveChat]) -> bool:
        """Writes the chats' pending changes now, in one transaction; returns whether it
        worked. On failure the changes stay pending, in order, and are retried."""
        async with self._lock:
            items = []
            for chat in chats:
                self._marked.pop(chat.id, None)
                batch = chat.take_batch()
                if batch:
                    items.append((chat, batch))
            if not items:
                return True
            try:
                outcome = await database_sync_to_async(persistence.write_batches)(
                    [(chat.id, chat.epoch, batch) for chat, batch in items], timezone.now()
                )
            except Exception:
                for chat, batch in items:
                    chat.give_back(batch)
                    self.mark(chat)
                DatabaseHealth.failed()
                return False
            DatabaseHealth.worked()
        report_refusals(outcome)
        for chat, _ in items:
            if chat.id in outcome.superseded:
                await chat.superseded()
            elif chat.id in outcome.deleted:
                await chat.row_deleted()
        return True


def report_refusals(outcome: persistence.WriteOutcome) -> None:
    """Logs the chats whose batch the database refused; the other chats were written."""
    for session_id, reason in outcome.repaired.items():
        logger.error(
            "chat %s: the database refused its write (%s); written with unstorable text replaced",
            session_id,
            reason,
        )
    for session_id, reason in outcome.refused.items():
        logger.error(
            "chat %s: the database refused its write (%s); that write is dropped", session_id, reason
        )


#: Returns the writer of the running event loop.
writer = per_event_loop(Writer)


def write_everything_at_exit() -> None:
    """Writes what every live chat of this process has not written yet, marking them
    disconnected and so resumable elsewhere. Registered with atexit: a server stopped
    cleanly (SIGTERM, Ctrl-C) loses no answered message, whether or not it told its
    sockets goodbye (daphne stops its event loop without doing so)."""
    from .chat import live_chats

    items = []
    for chat in list(live_chats.values()):
        if not chat.ending:
            chat.mark_disconnected()
        batch = chat.take_batch()
        if batch:
            items.append((chat.id, chat.epoch, batch))
    if not items:
        return
    try:
        outcome = persistence.write_batches(items, timezone.now())
    except Exception:
        logger.exception("could not write %d chats at exit", len(items))
    else:
        report_refusals(outcome)
        logger.info("wrote %d chats at exit", len(items) - len(outcome.refused))
    live_chats.clear()
