"""Questions a handler asks and waits for, as in Chainlit:

    res = await cl.AskUserMessage(content="What is your name?", timeout=10).send()
    if res:
        await cl.Message(content=f"Your name is: {res['output']}").send()

AskUserMessage.send() returns the user's answer (a dict with "output") and
AskActionMessage.send() the chosen action (a dict with "name", "payload", "label"), or
None when the timeout passes first. A stop ends the wait (the handler is cancelled).
"""

from __future__ import annotations

from typing import Any

from .actions import Action
from .message import Message
from .session import active_chat


class AskUserMessage(Message):
    """Asks for text: the user's next message is the answer."""

    def __init__(
        self,
        content: str,
        author: str = "Assistant",
        type: str = "assistant_message",
        timeout: float = 60,
        raise_on_timeout: bool = False,
    ) -> None:
        super().__init__(content, author=author)
        self.timeout = timeout
        self.raise_on_timeout = raise_on_timeout

    async def send(self) -> dict[str, Any] | None:  # type: ignore[override]
        await super().send()
        answer = await active_chat().ask("text", self.id, (), self.timeout)
        if answer is None and self.raise_on_timeout:
            raise TimeoutError(f"no answer within {self.timeout} s")
        return answer


class AskActionMessage(Message):
    """Asks the user to pick one of actions; the message then says which was picked."""

    def __init__(
        self,
        content: str,
        actions: list[Action],
        author: str = "Assistant",
        timeout: float = 90,
        raise_on_timeout: bool = False,
    ) -> None:
        if not actions or not all(isinstance(action, Action) for action in actions):
            raise TypeError("AskActionMessage needs a list of Action")
        super().__init__(content, author=author, actions=actions)
        self.timeout = timeout
        self.raise_on_timeout = raise_on_timeout

    async def send(self) -> dict[str, Any] | None:  # type: ignore[override]
        await super().send()
        chat = active_chat()
        try:
            answer = await chat.ask("action", self.id, [action.id for action in self.actions], self.timeout)
        finally:  # answered, timed out or stopped: the buttons go
            for action in self.actions:
                await action.remove()
        self.content = (
            "Timed out: no action was taken" if answer is None else f"**Selected:** {answer['label']}"
        )
        await self.update()
        if answer is None and self.raise_on_timeout:
            raise TimeoutError(f"no answer within {self.timeout} s")
        return answer
