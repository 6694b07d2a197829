"""Write-behind: one writer per event loop batches every chat's changes into one transaction.

Handlers never wait for the database. After a handler, its chat is marked; at most
WRITE_DELAY_SECONDS later the writer takes every marked chat's transcript changes and
store snapshot and writes them all in one transaction, in one trip to a worker thread.
What must be written at once (a chat handed over, ending, or replaying its history)
is written through the same writer, so one chat's writes never overtake each other.
New chats' rows are inserted through it too, those that come together in one transaction.
"""

from __future__ import annotations

import asyncio
import logging

from channels.db import database_sync_to_async
from django.utils import timezone

from ..conf import RETRY_FIRST_SECONDS, RETRY_MAX_SECONDS, get_config
from ..models import ChatSession
from ..storage import persistence
from ..storage.batches import Batch
from .journal import Journal, Lost
from .loops import per_event_loop

logger = logging.getLogger("chatsessions")


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
    """Batches the writes of this event loop's chats, each known by its journal."""

    def __init__(self) -> None:
        self._marked: dict[str, Journal] = {}
        self._lock = asyncio.Lock()
        self._loop_task: asyncio.Task[None] | None = None
        # Chats awaiting committed(): resolved by the next write that starts after them.
        self._waiters: list[asyncio.Future[None]] = []
        # Chats asked to be written now, and the callers of write() waiting on that.
        self._to_write: dict[str, Journal] = {}
        self._writes_asked: list[asyncio.Future[bool]] = []
        # Writes whose caller was cancelled, still on their way to the database.
        self._orphaned: set[asyncio.Task[persistence.WriteOutcome]] = set()
        # New chats' rows waiting for their insert, and the task that inserts them.
        self._new_rows: list[tuple[ChatSession, asyncio.Future[None]]] = []
        self._insert_task: asyncio.Task[None] | None = None

    async def insert(self, row: ChatSession) -> None:
        """Inserts a new chat's row; returns once it is committed, raises if it is not.

        The rows that come while an insert is on its way share the next transaction (a
        group commit): a burst of new chats costs a few commits, not one each, and a chat
        still learns its id only once any worker can find its row.
        """
        committed = asyncio.get_running_loop().create_future()
        self._new_rows.append((row, committed))
        if self._insert_task is None:
            self._insert_task = asyncio.create_task(self._insert_new_rows(), name="chatsessions inserts")
        await committed

    async def _insert_new_rows(self) -> None:
        try:
            while self._new_rows:
                batch, self._new_rows = self._new_rows, []
                try:
                    errors = await database_sync_to_async(persistence.insert_sessions)(
                        [row for row, _ in batch]
                    )
                except Exception as failed:  # the database is unreachable, or refused a lone row
                    errors = [failed] * len(batch)
                for (_, committed), refused in zip(batch, errors, strict=True):
                    if committed.done():  # its opener went away meanwhile
                        continue
                    if refused is None:
                        committed.set_result(None)
                    else:
                        committed.set_exception(refused)
        finally:
            self._insert_task = None

    def mark(self, journal: Journal) -> None:
        """Notes that a chat has changes to write within WRITE_DELAY_SECONDS."""
        self._marked.setdefault(journal.session_id, journal)
        if self._loop_task is None or self._loop_task.done():
            self._loop_task = asyncio.create_task(self._write_marked(), name="chatsessions writer")

    async def committed(self, journal: Journal) -> None:
        """Returns once a chat's changes so far are committed: the durable mode
        (WRITE_DELAY_SECONDS = 0). The chats that ask meanwhile share one transaction
        (a group commit), and through an outage they wait until it is over."""
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        self.mark(journal)
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

    async def write(self, journals: list[Journal]) -> bool:
        """Writes the chats' pending changes now; returns whether it worked. On failure
        the changes stay pending, in order, and are retried.

        The writes asked for while one is on its way go together in the next transaction
        (a group commit): a storm of dropped or resumed sockets costs a few transactions,
        not one each, and each caller still returns only once its chats are written.
        """
        for journal in journals:
            self._to_write.setdefault(journal.session_id, journal)
        written = asyncio.get_running_loop().create_future()
        self._writes_asked.append(written)
        async with self._lock:
            if not written.done():  # no write since took this one along: write them all
                group, self._to_write = list(self._to_write.values()), {}
                asked, self._writes_asked = self._writes_asked, []
                try:
                    worked = await self._write_now(group)
                except BaseException:
                    # Cancelled: whoever holds the lock next writes for the others.
                    self._writes_asked = [each for each in asked if each is not written] + self._writes_asked
                    for journal in group:
                        self._to_write.setdefault(journal.session_id, journal)
                    raise
                for each in asked:
                    if not each.done():
                        each.set_result(worked)
        return bool(written.result())

    async def _write_now(self, journals: list[Journal]) -> bool:
        """Writes the chats' pending changes in one transaction (under the lock)."""
        if self._orphaned:
            # A cancelled caller's write is still on its way: a chat's changes taken for
            # it are written by then, or given back to go with this write.
            await asyncio.wait(set(self._orphaned))
        items = []
        for journal in journals:
            self._marked.pop(journal.session_id, None)
            batch = journal.take()
            if batch:
                items.append((journal, batch))
        if not items:
            return True
        call = asyncio.create_task(
            database_sync_to_async(persistence.write_batches)(
                [(journal.session_id, journal.epoch, batch) for journal, batch in items], timezone.now()
            ),
            name="chatsessions write",
        )
        try:
            outcome = await asyncio.shield(call)
        except asyncio.CancelledError:
            # The batches are no longer in their journals. The call goes on without its
            # caller; unless it is seen to commit, they go back to their journals, for the
            # next write or the one at exit (see Batch.maybe_written).
            self._orphaned.add(call)
            call.add_done_callback(lambda done: self._give_back_unless_written(done, items))
            raise
        except Exception:
            self._give_back(items)
            DatabaseHealth.failed()
            return False
        DatabaseHealth.worked()
        report_refusals(outcome)
        for journal, _ in items:
            if journal.session_id in outcome.superseded:
                await journal.on_lost(Lost.SUPERSEDED)
            elif journal.session_id in outcome.deleted:
                await journal.on_lost(Lost.DELETED)
        return True

    def _give_back(self, items: list[tuple[Journal, Batch]]) -> None:
        for journal, batch in items:
            journal.give_back(batch)
            self.mark(journal)

    def _give_back_unless_written(
        self, call: asyncio.Future[persistence.WriteOutcome], items: list[tuple[Journal, Batch]]
    ) -> None:
        self._orphaned.discard(call)
        if call.cancelled():  # before the thread took it, or while it ran: nobody knows
            for _, batch in items:
                batch.maybe_written = True
            self._give_back(items)
        elif call.exception() is not None:  # rolled back
            self._give_back(items)
        else:
            report_refusals(call.result())


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


def write_at_exit(journals: list[Journal]) -> None:
    """Writes the journals now, from a process on its way out (see chat.write_all_at_exit)."""
    items = [(journal.session_id, journal.epoch, batch) for journal in journals if (batch := journal.take())]
    if not items:
        return
    try:
        outcome = persistence.write_batches(items, timezone.now())
    except Exception:
        logger.exception("could not write %d chats at exit", len(items))
    else:
        report_refusals(outcome)
        logger.info("wrote %d chats at exit", len(items) - len(outcome.refused))
