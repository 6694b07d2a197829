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

import threading
from collections.abc import Awaitable, Callable, Coroutine, Generator
from typing import Any, ParamSpec, TypeVar, cast

from asgiref.sync import async_to_sync, sync_to_async
from greenlet import GreenletExit, getcurrent, greenlet

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
        value, error = current._driver().switch(_Await(awaitable))
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


#: Idle handler greenlets, per thread (a greenlet runs in the thread that made it).
#: Starting a greenlet costs about 9 µs, a switch to a live one half a µs: a handler
#: borrows one, and gives it back when it returns.
_pool = threading.local()
MAX_IDLE_GREENLETS = 64


class _HandlerGreenlet(greenlet):
    """A greenlet that steps handlers' coroutines, one after the other, for as long as it
    lives; its parent, the greenlet that borrowed it, drives it."""

    def __init__(self) -> None:
        super().__init__(self._serve)

    def _serve(self, coroutine: Coroutine[Any, Any, Any]) -> None:
        while True:
            coroutine = self._driver().switch(self._step_through(coroutine))

    def _driver(self) -> greenlet:
        # Only a thread's main greenlet has no parent; the driver set this one's.
        return cast(greenlet, self.parent)

    def _step_through(self, coroutine: Coroutine[Any, Any, Any]) -> _Done:
        """Sends the coroutine what the driver hands back, until it returns or raises."""
        value: Any = None
        error: BaseException | None = None
        while True:
            try:
                if error is not None:
                    yielded = coroutine.throw(error)
                else:
                    yielded = coroutine.send(value)
            except StopIteration as stop:
                return _Done(stop.value, None)
            except GreenletExit:
                raise  # this greenlet is being collected (its loop is gone): it dies
            except BaseException as raised:  # the handler's to raise, in the driver
                return _Done(None, raised)
            value, error = self._driver().switch(_Yield(yielded))


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


class _Done:
    """How the handler's coroutine ended: what it returned, or what it raised."""

    __slots__ = ("error", "value")

    def __init__(self, value: Any, error: BaseException | None) -> None:
        self.value = value
        self.error = error


class _Driven:
    """An awaitable that steps a coroutine inside a _HandlerGreenlet: what the coroutine
    yields goes on to the event loop, and what run_sync asks for is awaited here."""

    __slots__ = ("coroutine",)

    def __init__(self, coroutine: Coroutine[Any, Any, Any]) -> None:
        self.coroutine = coroutine

    def __await__(self) -> Generator[Any, Any, Any]:
        idle: list[_HandlerGreenlet] = _pool.__dict__.setdefault("idle", [])
        child = idle.pop() if idle else _HandlerGreenlet()
        here = getcurrent()
        child.parent = here
        # The same Context object, not a copy: a context variable the handler sets (the
        # open step, the chat) is seen by what run_sync awaits, and the other way round.
        child.gr_context = here.gr_context
        request = child.switch(self.coroutine)
        while not isinstance(request, _Done):
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
        child.gr_context = None  # holds no chat while idle
        if len(idle) < MAX_IDLE_GREENLETS:
            idle.append(child)
        if request.error is not None:
            raise request.error
        return request.value
