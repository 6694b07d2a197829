"""A chat's life: its State, and the one place that changes it (with its grace timer)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from enum import Enum


class State(Enum):
    """Where a chat is in its life; every chat goes from the first two to one of the last two."""

    LIVE = "a socket holds it"
    DISCONNECTED = "it waits for a resume"
    ENDING = "on_chat_end is queued"
    HANDING_OVER = "it lets go to a process resuming it"
    ENDED = "on_chat_end has run; it is gone"
    HANDED_OVER = "it lives on outside this process: in another one, or in the database"


class Life:
    """A chat's state. While disconnected it holds the grace timer that ends the chat."""

    __slots__ = ("_grace_timer", "state")

    def __init__(self) -> None:
        self.state = State.DISCONNECTED
        self._grace_timer: asyncio.TimerHandle | None = None

    @property
    def accepting(self) -> bool:
        """Whether the chat takes messages: it is neither ending nor gone."""
        return self.state in (State.LIVE, State.DISCONNECTED)

    def attached(self) -> None:
        self._stop_timer()
        self.state = State.LIVE

    def detached(self, grace_seconds: float, end: Callable[[], object]) -> bool:
        """Waits grace_seconds for a resume, then calls end; False if the chat is ending."""
        if not self.accepting:
            return False
        self.state = State.DISCONNECTED
        self._stop_timer()
        self._grace_timer = asyncio.get_running_loop().call_later(grace_seconds, end)
        return True

    def finishing(self, state: State) -> bool:
        """Moves to ENDING or HANDING_OVER; False if the chat is past accepting already."""
        if not self.accepting:
            return False
        self._stop_timer()
        self.state = state
        return True

    def left(self, state: State) -> None:
        """The chat is gone from this process: ENDED or HANDED_OVER."""
        self._stop_timer()
        self.state = state

    def _stop_timer(self) -> None:
        if self._grace_timer is not None:
            self._grace_timer.cancel()
            self._grace_timer = None
