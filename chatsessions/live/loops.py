"""One instance per running event loop: the writer, the control listener, the heartbeat.

Each is tied to its loop's tasks, and a process may run several loops (a test's, a
management command's asyncio.run), so each loop gets its own, forgotten with the loop.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def per_event_loop(factory: Callable[[], T]) -> Callable[[], T]:
    """Returns a function that gives the running event loop its own factory() instance."""
    instances: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, T] = weakref.WeakKeyDictionary()

    def instance() -> T:
        loop = asyncio.get_running_loop()
        if loop not in instances:
            instances[loop] = factory()
        return instances[loop]

    return instance
