"""Interaction: what a chat waits for from its user: the answer to a question a handler
asked (AskUserMessage, AskActionMessage, AskFileMessage, AskElementMessage), and clicks
on the action buttons it sent.

The server keeps every action it sent, by id, until it is removed: a click that names
any other id is refused, and the callback gets the server's own copy of the action, so
no client can forge its name or payload. A chat rebuilt from the database (a resume in
another process, a reopened chat) finds its actions again in its transcript.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..handler_api.session import ActionLike
from ..wire import frames
from ..wire.frames import MessageLike

#: The longest a handler may wait for an answer (a day); longer timeouts are cut to it.
MAX_ASK_SECONDS = 24 * 3600.0


def answer_of(message: MessageLike) -> dict[str, Any]:
    """What AskUserMessage.send() returns for the user's answer, as Chainlit has it."""
    return {
        "id": message.id,
        "output": message.content,
        "name": message.author,
        "type": "user_message",
        "createdAt": message.created.isoformat() if message.created else None,
    }


@dataclass
class Ask:
    """The question a handler waits on: the next text (kind "text") or a click on one of
    its actions (kind "action") answers it."""

    kind: str
    for_id: str
    action_ids: frozenset[str]
    answer: asyncio.Future[Any]
    deadline: float  # on the event loop's clock
    # For files (kind "file"): accept, max_files and max_size_mb, as AskFileMessage has them.
    spec: dict[str, Any] | None = None

    def frame(self) -> dict[str, Any]:
        remaining = max(self.deadline - asyncio.get_running_loop().time(), 0.0)
        return frames.ask(self.for_id, self.kind, round(remaining, 1), self.spec)


@dataclass
class Interaction:
    """One chat's live actions and its pending question."""

    actions: dict[str, ActionLike] = field(default_factory=dict)
    asking: Ask | None = None
    # Whether the actions of the chat's transcript are known here (a new chat has none).
    loaded: bool = True

    def keep(self, actions: Iterable[ActionLike]) -> None:
        for action in actions:
            self.actions[action.id] = action

    def of_message(self, message_id: str) -> list[ActionLike]:
        return [action for action in self.actions.values() if action.forId == message_id]

    def drop(self, action: ActionLike) -> None:
        self.actions.pop(action.id, None)

    def drop_message(self, message_id: str) -> None:
        for action in self.of_message(message_id):
            self.drop(action)

    async def find(
        self, action_id: str, load: Callable[[], Awaitable[list[ActionLike]]]
    ) -> ActionLike | None:
        """The action the chat sent with this id, if it is still there."""
        if not self.loaded:
            for action in await load():
                self.actions.setdefault(action.id, action)
            self.loaded = True
        return self.actions.get(action_id)

    async def wait(
        self,
        kind: str,
        for_id: str,
        action_ids: Iterable[str],
        timeout: float,
        send: Callable[[dict[str, Any]], Awaitable[None]],
        spec: dict[str, Any] | None = None,
    ) -> Any:
        """Asks, and returns the answer, or None once timeout seconds have passed. A stop
        (the handler's cancellation) ends the wait too; either way the page is told."""
        loop = asyncio.get_running_loop()
        seconds = min(max(float(timeout), 0.0), MAX_ASK_SECONDS)
        ask = Ask(kind, for_id, frozenset(action_ids), loop.create_future(), loop.time() + seconds, spec)
        self.asking = ask
        try:
            await send(ask.frame())
            return await asyncio.wait_for(ask.answer, seconds)
        except TimeoutError:
            return None
        finally:
            self.asking = None
            await send(frames.ask_end(for_id))

    def answers_text(self) -> bool:
        return self.asking is not None and self.asking.kind == "text" and not self.asking.answer.done()

    def wants_files(self) -> dict[str, Any] | None:
        """The spec of the pending question for files, if one waits."""
        ask = self.asking
        if ask is not None and ask.kind == "file" and not ask.answer.done():
            return ask.spec or {}
        return None

    def waits_on_element(self, element_id: str, for_id: str) -> bool:
        """Whether the pending question is for the custom element element_id of for_id."""
        ask = self.asking
        return (
            ask is not None
            and ask.kind == "element"
            and ask.for_id == for_id
            and (ask.spec or {}).get("element") == element_id
            and not ask.answer.done()
        )

    def answer(self, value: Any) -> None:
        if self.asking is not None and not self.asking.answer.done():
            self.asking.answer.set_result(value)

    def answers_with(self, action: ActionLike) -> bool:
        """Whether a click on action answers the pending question."""
        ask = self.asking
        return ask is not None and action.id in ask.action_ids and not ask.answer.done()
