"""TestSocket: a test client's socket, which knows when a turn is over.

A turn is over when every handler run the client caused has begun (task start) and
ended (task end), or when a handler asks the user something (an ask frame) and waits.
The client says how many runs it caused; a refusal (an error frame in place of a run)
takes its runs back.
"""

from __future__ import annotations

import json
import logging
from collections import deque
from typing import Any

from ..live.outbox import frames_in
from ..wire.frames import ErrorCode
from .transport import Closed, Transport
from .turns import ChatClosed, ChatError, ChatTestError, HandlerError, NoReply, Turn

#: Error codes that refuse the frame sent: nothing runs for it.
REFUSALS = frozenset(code for code in ErrorCode if code is not ErrorCode.HANDLER_ERROR)

TASK_START = {"type": "task", "state": "start"}
TASK_END = {"type": "task", "state": "end"}


class _HandlerExceptions(logging.Handler):
    """Keeps the exceptions one chat's handlers raised, as chatsessions logs them; in
    process, a HandlerError is raised from the handler's own exception."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.session_id: str | None = None
        self.raised: list[BaseException] = []

    def emit(self, record: logging.LogRecord) -> None:
        if (
            record.exc_info
            and record.exc_info[1] is not None
            and isinstance(record.args, tuple)
            and record.args[:1] == (self.session_id,)
        ):
            self.raised.append(record.exc_info[1])


class TestSocket:
    """Frames in and out of one transport at a time, with the count of handler runs."""

    __test__ = False  # not a test class, whatever pytest thinks of its name

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.transport: Transport | None = None
        self.close_code: int | None = None
        self.open_tasks = 0  # handler runs begun and not yet ended
        self.pending = 0  # handler runs caused and not yet begun
        self.asking: dict[str, Any] | None = None  # the question a handler waits on
        self.answering: dict[str, Any] | None = None  # the question the last answer was for
        self._unread: deque[dict[str, Any]] = deque()  # the rest of a message of several frames
        self._exceptions = _HandlerExceptions()

    async def open(self, transport: Transport) -> None:
        await transport.connect()
        self.transport = transport
        self.close_code = None
        self.open_tasks = self.pending = 0
        self.asking = None
        self._unread.clear()
        logging.getLogger("chatsessions").addHandler(self._exceptions)

    async def close(self) -> None:
        logging.getLogger("chatsessions").removeHandler(self._exceptions)
        if self.transport is not None:
            transport, self.transport = self.transport, None
            await transport.close()

    def chat_is(self, session_id: str) -> None:
        """Names the chat whose handler exceptions to keep."""
        self._exceptions.session_id = session_id

    async def send(self, frame: dict[str, Any] | str | bytes) -> None:
        """Sends one frame as it is (a dict as JSON, a str verbatim, bytes as binary)."""
        if self.transport is None:
            raise ChatTestError("the socket is not open")
        await self.transport.send(frame if isinstance(frame, (str, bytes)) else json.dumps(frame))

    async def receive(self, timeout: float | None = None) -> dict[str, Any]:
        """Returns the next frame, counting handler runs; raises ChatClosed once the server
        closed the socket."""
        if self.transport is None:
            raise ChatTestError("the socket is not open")
        while not self._unread:
            await self._read(self.timeout if timeout is None else timeout)
        frame = self._unread.popleft()
        if frame == TASK_START:
            self.open_tasks += 1
            self.pending = max(self.pending - 1, 0)
        elif frame == TASK_END:
            self.open_tasks -= 1
        elif frame.get("type") == "ask":
            self.asking = frame
        elif frame.get("type") == "ask_end" and self.asking and self.asking["for"] == frame["for"]:
            self.asking = None
        return frame

    async def _read(self, wait: float) -> None:
        """Reads one WebSocket message: one frame, or a JSON array of them in order."""
        assert self.transport is not None
        try:
            received = await self.transport.receive(wait)
        except TimeoutError:
            raise NoReply(f"no frame within {wait} s") from None
        if isinstance(received, Closed):
            self.close_code = received.code
            raise ChatClosed(received.code, [])
        self._unread.extend(frames_in(received))

    async def expect(self, frame_type: str, timeout: float | None = None) -> dict[str, Any]:
        while True:
            frame = await self.receive(timeout)
            if frame.get("type") == frame_type:
                return frame
            if frame.get("type") == "error":
                raise ChatError(frame["code"], frame["detail"], [frame])

    async def closed(self, timeout: float | None = None) -> int:
        while True:
            try:
                await self.receive(timeout)
            except ChatClosed as closed:
                return closed.code

    async def next(self, turn: Turn) -> dict[str, Any]:
        """Receives the next frame into turn."""
        try:
            frame = await self.receive()
        except ChatClosed as closed:
            raise ChatClosed(closed.code, turn.frames) from None
        except NoReply as silence:
            raise NoReply(f"{silence}; this turn's frames so far: {turn.frames}") from None
        turn.add(frame)
        return frame

    async def finish(self, turn: Turn, handler_runs: int, through_questions: bool = False) -> Turn:
        """Receives until the handler runs caused (handler_runs more) have all ended, or
        one asks the user and waits (unless through_questions: then until the question
        times out and the handler ends); raises ChatError if the frame was refused,
        HandlerError if a handler raised."""
        self.pending += handler_runs
        errors_before = len(turn.errors)
        answering, self.answering = self.answering, None
        while (self.pending or self.open_tasks) and (
            through_questions or not (self.asking and not self.pending)
        ):
            frame = await self.next(turn)
            if frame.get("type") == "error" and frame["code"] in REFUSALS:
                if not handler_runs:  # a refused frame; if it was an answer, the question still waits
                    self.asking = answering or self.asking
                    break
                self.pending = max(self.pending - handler_runs, 0)
                handler_runs = 0
        refused = [error for error in turn.errors[errors_before:] if error["code"] in REFUSALS]
        if refused:
            raise ChatError(refused[0]["code"], refused[0]["detail"], turn.frames)
        self.raise_handler_errors(turn)
        return turn

    def raise_handler_errors(self, turn: Turn) -> None:
        failed = [error for error in turn.errors if error["code"] == ErrorCode.HANDLER_ERROR]
        raised, self._exceptions.raised = self._exceptions.raised, []
        if not failed:
            return
        error = HandlerError(failed[0]["code"], failed[0]["detail"], turn.frames)
        if raised:
            raise error from raised[0]
        raise error
