"""Questions a handler asks and waits for, as in Chainlit:

    res = await cl.AskUserMessage(content="What is your name?", timeout=10).send()
    if res:
        await cl.Message(content=f"Your name is: {res['output']}").send()

AskUserMessage.send() returns the user's answer (a dict with "output"),
AskActionMessage.send() the chosen action (a dict with "name", "payload", "label") and
AskFileMessage.send() the files (a list of elements.AskFileResponse),
AskElementMessage.send() what a custom element submitted (its values and "submitted":
True, or just "submitted": False when the user cancelled), or None when the timeout
passes first. A stop ends the wait (the handler is cancelled).
"""

from __future__ import annotations

from typing import Any

from ..conf import get_config
from .actions import Action
from .elements import AskFileResponse, CustomElement
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


class AskFileMessage(Message):
    """Asks for files: the user's next message with files attached is the answer, if they
    are of an accepted type ("text/csv", "image/*", ".csv"), at most max_files, each at
    most max_size_mb; the page says so before it uploads. CHATSESSIONS's own limits apply
    as well."""

    def __init__(
        self,
        content: str,
        accept: list[str] | dict[str, list[str]],
        max_size_mb: float = 2,
        max_files: int = 1,
        author: str = "Assistant",
        type: str = "assistant_message",
        timeout: float = 90,
        raise_on_timeout: bool = False,
    ) -> None:
        if isinstance(accept, dict):
            accept = [*accept, *(extension for extensions in accept.values() for extension in extensions)]
        if not accept or not all(isinstance(pattern, str) for pattern in accept):
            raise TypeError('AskFileMessage needs accept, a list of types such as ["text/csv", "image/*"]')
        if max_files < 1 or max_size_mb <= 0:
            raise ValueError("AskFileMessage needs max_files of 1 or more and max_size_mb above 0")
        super().__init__(content, author=author)
        self.accept = list(accept)
        self.max_size_mb = max_size_mb
        self.max_files = max_files
        self.timeout = timeout
        self.raise_on_timeout = raise_on_timeout

    async def send(self) -> list[AskFileResponse] | None:  # type: ignore[override]
        await super().send()
        config = get_config()
        spec = {
            "accept": self.accept,
            "max_files": min(self.max_files, config["MAX_FILES_PER_MESSAGE"]),
            "max_size_mb": min(self.max_size_mb, config["MAX_FILE_BYTES"] / (1024 * 1024)),
        }
        answer = await active_chat().ask("file", self.id, (), self.timeout, spec)
        if answer is None and self.raise_on_timeout:
            raise TimeoutError(f"no answer within {self.timeout} s")
        return answer


class AskElementMessage(Message):
    """Asks the user to fill in a custom element (its module calls submitElement(values)
    or cancelElement()). Once answered, timed out or stopped, the element goes and the
    message says which, as in Chainlit."""

    def __init__(
        self,
        content: str,
        element: CustomElement,
        author: str = "Assistant",
        timeout: float = 90,
        raise_on_timeout: bool = False,
    ) -> None:
        if not isinstance(element, CustomElement):
            raise TypeError("AskElementMessage needs element=, a CustomElement")
        super().__init__(content, author=author, elements=[element])
        self.element = element
        self.timeout = timeout
        self.raise_on_timeout = raise_on_timeout

    async def send(self) -> dict[str, Any] | None:  # type: ignore[override]
        await super().send()
        answer = None
        try:
            spec = {"element": self.element.id}
            answer = await active_chat().ask("element", self.id, (), self.timeout, spec)
        finally:
            await self.element.remove()
        if answer is None:
            self.content = "Timed out"
        else:
            self.content = "Thanks for submitting" if answer.get("submitted") else "Cancelled"
        await self.update()
        if answer is None and self.raise_on_timeout:
            raise TimeoutError(f"no answer within {self.timeout} s")
        return answer
