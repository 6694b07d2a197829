"""PageCalls: the CopilotFunction calls of one chat waiting on the page hosting it, each
answered by a call_fn_result frame, or given up after its timeout."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from ..handler_api.copilot import CopilotFunctionError
from ..wire import frames
from ..wire.frames import ErrorCode
from ..wire.protocol import ProtocolError
from .delivery import Delivery


class PageCalls:
    """The calls waiting, by id."""

    __slots__ = ("_delivery", "_waiting")

    def __init__(self, delivery: Delivery) -> None:
        self._delivery = delivery
        self._waiting: dict[str, tuple[str, asyncio.Future[Any]]] = {}

    async def call(self, name: str, args: dict[str, Any], timeout: float) -> Any:
        """Sends the call and waits for the page's answer; the page is told when the call
        is given up (timed out, or the handler stopped)."""
        call_id = uuid.uuid4().hex
        answer: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiting[call_id] = (name, answer)
        try:
            await self._delivery.send(frames.call_fn(call_id, name, args))
            return await asyncio.wait_for(answer, timeout)
        except TimeoutError:
            raise CopilotFunctionError(
                f"the page answered no call of {name!r} within {timeout:g} s "
                "(is the chat embedded with chatsessions' widget, and the function registered?)"
            ) from None
        finally:
            self._waiting.pop(call_id, None)
            if answer.cancelled() or not answer.done():  # wait_for cancels it at the timeout
                await self._delivery.send(frames.call_fn_over(call_id))

    def answer(self, call_id: str, result: Any, error: str | None) -> None:
        """The page's answer; one for no call waiting is refused (unknown_call)."""
        waiting = self._waiting.pop(call_id, None)
        if waiting is None:
            raise ProtocolError(ErrorCode.UNKNOWN_CALL, "call_fn_result.id names no call waiting")
        name, answer = waiting
        if error is not None:
            answer.set_exception(CopilotFunctionError(f"the page could not call {name!r}: {error[:500]}"))
        else:
            answer.set_result(result)
