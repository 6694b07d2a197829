"""Sync and async code together, as Chainlit's chainlit.sync: a blocking function run
without holding up the other chats, and a coroutine awaited from sync code. Both keep
the running chat (its context variables travel with them)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

from asgiref.sync import async_to_sync, sync_to_async

P = ParamSpec("P")
T = TypeVar("T")


def make_async(function: Callable[P, T]) -> Callable[P, Awaitable[T]]:
    """Returns an async form of a blocking function that runs it in a worker thread, so
    that the other chats go on meanwhile: `await cl.make_async(slow_call)(arg)`."""
    return sync_to_async(function, thread_sensitive=False)


def run_sync(awaitable: Awaitable[T]) -> T:
    """Waits for awaitable from sync code that a handler runs in a thread (a sync handler,
    a sync step, a make_async function): for example run_sync(Message(...).send())."""

    async def wait() -> T:
        return await awaitable

    return async_to_sync(wait)()
