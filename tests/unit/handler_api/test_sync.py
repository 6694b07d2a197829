"""run_sync from sync code that an async handler calls on the event loop: the awaited
coroutine runs on the loop while the sync code waits, and the rest of the loop goes on."""

from __future__ import annotations

import asyncio
import contextvars

import pytest

from chatsessions.handler_api.sync import run_handler, run_sync

colour: contextvars.ContextVar[str] = contextvars.ContextVar("colour", default="none")


async def test_sync_code_waits_while_the_loop_goes_on():
    ready = asyncio.Event()

    def sync_tool() -> str:
        # Would deadlock if the loop were blocked: only another task sets the event.
        run_sync(ready.wait())
        return "waited"

    async def handler() -> str:
        return sync_tool()

    async def other_chat() -> None:
        await asyncio.sleep(0)
        ready.set()

    result, _ = await asyncio.wait_for(asyncio.gather(run_handler(handler()), other_chat()), 10)
    assert result == "waited"


async def test_context_variables_are_shared_both_ways():
    async def read_then_set() -> str:
        seen = colour.get()
        colour.set("blue")
        return seen

    def sync_tool() -> str:
        seen = run_sync(read_then_set())
        return f"{seen}, then {colour.get()}"

    async def handler() -> str:
        colour.set("red")
        return sync_tool()

    assert await run_handler(handler()) == "red, then blue"


async def test_an_error_is_raised_where_run_sync_was_called():
    async def failing() -> None:
        await asyncio.sleep(0)
        raise ValueError("from the coroutine")

    def sync_tool() -> str:
        try:
            run_sync(failing())
        except ValueError as error:
            return f"caught {error}"
        return "not raised"

    async def handler() -> str:
        return sync_tool()

    assert await run_handler(handler()) == "caught from the coroutine"


async def test_the_handlers_own_error_and_result_pass_through():
    async def handler(fail: bool) -> int:
        await asyncio.sleep(0)
        if fail:
            raise KeyError("handler")
        return 7

    assert await run_handler(handler(False)) == 7
    with pytest.raises(KeyError):
        await run_handler(handler(True))


async def test_nested_sync_code_in_an_awaited_coroutine_may_wait_too():
    def inner_tool() -> str:
        return run_sync(asyncio.sleep(0, result="inner"))

    async def middle() -> str:
        return inner_tool() + " via middle"

    def outer_tool() -> str:
        return run_sync(middle())

    async def handler() -> str:
        return outer_tool()

    assert await run_handler(handler()) == "inner via middle"


async def test_a_cancellation_reaches_the_waiting_sync_code():
    started = asyncio.Event()
    cleaned_up: list[str] = []

    def sync_tool() -> None:
        try:
            run_sync(forever())
        finally:
            cleaned_up.append("sync tool")

    async def forever() -> None:
        started.set()
        await asyncio.Event().wait()

    async def handler() -> None:
        sync_tool()

    task = asyncio.create_task(run_handler(handler()))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert cleaned_up == ["sync tool"]


async def test_run_sync_on_the_loop_outside_a_handler_is_a_clear_error():
    never_awaited = asyncio.sleep(0)
    with pytest.raises(RuntimeError, match="event loop"):
        run_sync(never_awaited)
    never_awaited.close()


async def test_a_handler_run_from_a_handler_may_wait_too():
    def inner_tool() -> str:
        return run_sync(asyncio.sleep(0, result="inner"))

    async def inner_handler() -> str:
        return inner_tool()

    async def outer_handler() -> str:
        # A handler awaited from a handler (an action callback run by on_message, say).
        return await run_handler(inner_handler()) + " via outer"

    assert await run_handler(outer_handler()) == "inner via outer"


async def test_handlers_one_after_another_reuse_their_greenlet():
    from chatsessions.handler_api import sync

    async def handler() -> object:
        return sync.getcurrent()

    first = await run_handler(handler())
    for _ in range(3):
        assert await run_handler(handler()) is first
    with pytest.raises(ValueError):  # one that raised goes back to the pool as well

        async def failing() -> None:
            raise ValueError("x")

        await run_handler(failing())
    assert await run_handler(handler()) is first
    assert first.gr_context is None  # an idle greenlet holds no chat's context
