"""The job runner: one chat's handler calls, one at a time in arrival order, with stop.

An idle runner holds no task: its worker task runs while there are jobs, then returns.
Every handler of the chat runs in that task, so a stop cancels the task while the
handler runs, and the runner takes the cancellation back.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from ..conf import get_config
from ..handler_api.registry import ChatApp
from ..handler_api.session import RunningChat, current_chat
from ..wire import frames

logger = logging.getLogger("chatsessions")


@dataclass(frozen=True, slots=True)
class Job:
    """One handler call waiting its turn."""

    event: str
    argument: Any = None
    from_client: bool = False  # counts against MAX_PENDING_MESSAGES
    #: Told how the handler ended: what it returned, or None and the error (a stop is a
    #: CancelledError). A custom element's callAction waits on this.
    reply: Callable[[Any, BaseException | None], Awaitable[None]] | None = None


class Context(RunningChat, Protocol):
    """What the chat's handlers run in (transcript.Transcript is one)."""

    async def handler_done(self) -> None:
        """Called after each handler that ran: its changes are to be written."""


class JobRunner:
    """Runs one chat's handlers in order; ends with one last step (an end or a hand-over)."""

    __slots__ = (
        "_app",
        "_context",
        "_final",
        "_in_handler",
        "_jobs",
        "_session_id",
        "_stop_requested",
        "_task",
        "waiting",
    )

    def __init__(self, session_id: str, app: ChatApp, context: Context) -> None:
        self._session_id = session_id
        self._app = app
        self._context = context
        self._jobs: deque[Job] = deque()
        self._task: asyncio.Task[None] | None = None
        self._final: Callable[[], Awaitable[None]] | None = None
        self._in_handler = False
        self._stop_requested = False
        #: Jobs from the client not started yet.
        self.waiting = 0

    @property
    def running(self) -> bool:
        """Whether a handler runs now (a new socket of the chat shows it as working)."""
        return self._in_handler

    def add(self, job: Job) -> None:
        """Queues job behind the others."""
        if job.from_client:
            self.waiting += 1
        self._jobs.append(job)
        self._ensure_task()

    def finish_with(self, step: Callable[[], Awaitable[None]]) -> None:
        """Runs step once the queued jobs are done, and nothing after it."""
        self._final = step
        self._ensure_task()

    @property
    def stoppable(self) -> bool:
        """Whether a handler runs that no stop has been asked of yet."""
        return self._in_handler and not self._stop_requested and self._task is not None

    def stop(self) -> None:
        """Cancels the running handler, if any; on_stop runs after it."""
        if self.stoppable and self._task is not None:
            self._stop_requested = True
            self._task.cancel()

    def drop_client_jobs(self) -> None:
        """Forgets the queued jobs that came from the client."""
        self._jobs = deque(job for job in self._jobs if not job.from_client)
        self.waiting = 0

    def cancel(self) -> None:
        """Forgets every queued job and cancels the running one, unless it is the caller."""
        self._jobs.clear()
        self._final = None
        if self._task is not None and self._task is not asyncio.current_task():
            self._task.cancel()

    async def idle(self) -> None:
        """Returns once the queued jobs (and the last step, if any) have run."""
        while self._task is not None:
            await asyncio.shield(self._task)

    async def idle_within(self, seconds: float) -> bool:
        """Like idle, for at most seconds; returns whether the runner is idle."""
        try:
            await asyncio.wait_for(self.idle(), seconds)
        except TimeoutError:
            return False
        return True

    def _ensure_task(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._work())

    async def _work(self) -> None:
        # This task's context is the one every handler of this chat runs in.
        current_chat.set(self._context)
        try:
            while self._jobs:
                job = self._jobs.popleft()
                if job.from_client:
                    self.waiting -= 1
                try:
                    await self._run(job)
                except Exception:
                    # Handler errors are reported in _run; this is a bug of ours, and the
                    # chat still goes on with its next job.
                    logger.exception("chat %s: %s failed unexpectedly", self._session_id, job.event)
            if self._final is not None:
                final, self._final = self._final, None
                await final()
        finally:
            self._task = None

    async def _run(self, job: Job) -> None:
        handler = self._app.handler(job.event)
        if handler is None:
            await self._context.handler_done()
            return
        await self._context.send(frames.TASK_START)
        try:
            self._stop_requested = False
            self._in_handler = True
            result: Any = None
            failure: BaseException | None = None
            try:
                result = await handler(job.argument)
            except asyncio.CancelledError as error:
                if not self._stop_requested:
                    raise  # the chat itself is going away
                failure = error
            except Exception as error:
                failure = error
                await self.report(job.event, error)
            finally:
                self._in_handler = False
            if job.reply is not None:
                await job.reply(result, failure)
            if self._stop_requested:
                # A sync handler cannot be interrupted: its thread ran to the end and the
                # cancellation was never raised. Either way, it is handled now.
                asyncio.current_task().uncancel()  # type: ignore[union-attr]
                await self.call("on_stop")
            await self._context.handler_done()
        finally:
            # Every task start has its end, even when the chat goes away meanwhile.
            await self._context.send(frames.TASK_END)

    async def call(self, event: str, *args: Any) -> None:
        """Runs a handler outside the queue (from the running job), reporting its error."""
        handler = self._app.handler(event)
        if handler is None:
            return
        try:
            await handler(*args)
        except Exception as error:
            await self.report(event, error)

    async def report(self, event: str, error: BaseException | None) -> None:
        logger.error("chat %s: %s failed", self._session_id, event, exc_info=error)
        await self._context.send(frames.handler_error(event, error, get_config()["EXPOSE_HANDLER_ERRORS"]))
