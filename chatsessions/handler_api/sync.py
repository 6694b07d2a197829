"""Sync and async code together, as Chainlit's chainlit.sync: a blocking function run
without holding up the other chats, and a coroutine awaited from sync code. Both keep
the running chat (its context variables travel with them).

Chainlit apps call sync code straight from async handlers, on the event loop, and that
code waits with run_sync: a sync @cl.step, `with cl.Step(...)`, `cl.run_sync(...)`.
Chainlit makes this work by patching asyncio with nest_asyncio, which uvloop refuses.
Instead, an async handler runs in a greenlet of its own (as SQLAlchemy's asyncio support
does): run_sync there hands its awaitable to the greenlet that drives the handler, which
awaits it on the loop like any other await and then resumes the sync code with the
result. The other chats go on meanwhile, and nothing in asyncio is patched."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Generator
from typing import Any, ParamSpec, TypeVar

from asgiref.sync import async_to_sync, sync_to_async
from greenlet import getcurrent, greenlet

P = ParamSpec("P")
T = TypeVar("T")


def make_async(function: Callable[P, T]) -> Callable[P, Awaitable[T]]:
    """Returns an async form of a blocking function that runs it in a worker thread, so
    that the other chats go on meanwhile: `await cl.make_async(slow_call)(arg)`."""
    return sync_to_async(function, thread_sensitive=False)


def run_sync(awaitable: Awaitable[T]) -> T:
    """Waits for awaitable from sync code: code that an async handler calls (a sync
    step, for example), or code that runs in a thread (a sync handler, a make_async
    function). For example run_sync(Message(...).send())."""
    current = getcurrent()
    if isinstance(current, _HandlerGreenlet):
        value, error = current.driver.switch(_Await(awaitable))
        if error is not None:
            raise error
        return value

    async def wait() -> T:
        return await awaitable

    # In a thread of a sync handler; on the event loop outside any handler this raises
    # asgiref's clear "cannot use AsyncToSync in the same thread as an async event loop".
    return async_to_sync(wait)()


async def run_handler(coroutine: Coroutine[Any, Any, T]) -> T:
    """Awaits a handler's coroutine so that sync code it calls may use run_sync."""
    return await _Driven(coroutine)


class _HandlerGreenlet(greenlet):
    """The greenlet a handler's coroutine runs in, driven by the greenlet that made it."""

    def __init__(self, coroutine: Coroutine[Any, Any, Any]) -> None:
        super().__init__(self._step_through)
        self.driver = getcurrent()
        self.coroutine = coroutine

    def _step_through(self) -> Any:
        """Sends the coroutine what the driver hands back, until it returns. What it raises
        ends the greenlet and is raised in the driver."""
        value: Any = None
        error: BaseException | None = None
        while True:
            try:
                if error is not None:
                    yielded = self.coroutine.throw(error)
                else:
                    yielded = self.coroutine.send(value)
            except StopIteration as stop:
                return stop.value
            value, error = self.driver.switch(_Yield(yielded))


class _Await:
    """What the handler's greenlet asks its driver for: await this, give me the result."""

    __slots__ = ("awaitable",)

    def __init__(self, awaitable: Awaitable[Any]) -> None:
        self.awaitable = awaitable


class _Yield:
    """What the handler's coroutine yielded to the event loop (a future, or None)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


class _Driven:
    """An awaitable that steps a coroutine inside a _HandlerGreenlet: what the coroutine
    yields goes on to the event loop, and what run_sync asks for is awaited here."""

    __slots__ = ("coroutine",)

    def __init__(self, coroutine: Coroutine[Any, Any, Any]) -> None:
        self.coroutine = coroutine

    def __await__(self) -> Generator[Any, Any, Any]:
        child = _HandlerGreenlet(self.coroutine)
        # The same Context object, not a copy: a context variable the handler sets (the
        # open step, the chat) is seen by what run_sync awaits, and the other way round.
        child.gr_context = child.driver.gr_context
        request = child.switch()
        while not child.dead:
            value: Any = None
            error: BaseException | None = None
            try:
                if isinstance(request, _Await):
                    awaited = request.awaitable
                    if isinstance(awaited, Coroutine):
                        # Its own greenlet, so sync code it calls may use run_sync too.
                        awaited = _Driven(awaited)
                    value = yield from awaited.__await__()
                else:
                    value = yield request.value
            except BaseException as raised:  # a cancellation included: the handler's to see
                error = raised
            request = child.switch(value, error)
        return request
