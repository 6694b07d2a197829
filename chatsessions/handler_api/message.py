"""Message: what a handler receives from the user and sends back."""

from __future__ import annotations

import itertools
import secrets
from datetime import datetime
from typing import Any

from django.utils import timezone

from ..wire import frames
from .actions import Action
from .elements import Element
from .elements import keep as keep_elements
from .session import active_chat

# Message ids need only be unique within a chat; a random per-process prefix and a counter
# are, and cost less than a uuid4 per message.
_ID_PREFIX = secrets.token_hex(6)
_id_counter = itertools.count()


def _new_id() -> str:
    return f"{_ID_PREFIX}{next(_id_counter):x}"


class Message:
    """A chat message; an assistant's is sent, streamed, updated or removed by a handler."""

    def __init__(
        self,
        content: Any = "",
        author: str = "Assistant",
        id: str | None = None,
        *,
        role: str = "assistant",
        actions: list[Action] | None = None,
        elements: list[Element] | None = None,
        # Chainlit's other arguments, taken so that its examples run; not shown here.
        language: str | None = None,
        metadata: dict[str, Any] | None = None,
        tags: list[str] | None = None,
        type: str | None = None,
        command: str | None = None,
        modes: dict[str, str] | None = None,
    ) -> None:
        self.id = id or _new_id()
        self.actions: list[Action] = list(actions) if actions else []
        #: A handler's: what to show with the message. The user's: the files attached.
        self.elements: list[Element] = list(elements) if elements else []
        self.content = content if isinstance(content, str) else str(content)
        self.author = author
        self.role = role
        self.created: datetime | None = None
        #: An error shown as one (ErrorMessage).
        self.is_error = False
        #: The user's: the command they picked for it, and each mode's option.
        self.command = command
        self.modes = modes

    def __repr__(self) -> str:
        return f"Message(id={self.id!r}, author={self.author!r}, content={self.content[:40]!r})"

    @property
    def type(self) -> str:
        """Chainlit's kind of message: "user_message", "assistant_message" or "system_message"."""
        return {"user": "user_message", "assistant": "assistant_message"}.get(self.role, "system_message")

    def to_frame(self) -> dict[str, Any]:
        """Returns the message frame the client renders."""
        return frames.message(self)

    async def send(self) -> Message:
        """Sends the message to the chat and adds it to the transcript."""
        chat = active_chat()
        if self.created is not None:
            await chat.edit_message(self)
        else:
            described = await keep_elements(chat, self.id, self.elements) if self.elements else []
            self.created = timezone.now()
            await chat.add_message(self, self.actions, described)
        return self

    async def stream_token(self, token: str, is_sequence: bool = False) -> None:
        """Appends token to the content and streams it to the client; with is_sequence,
        token is the whole content so far and replaces it (as Chainlit's)."""
        self.content = token if is_sequence else self.content + token
        await active_chat().send(frames.stream(self.id, token, replace=is_sequence))

    async def update(self) -> None:
        """Sends the current content as a new version of the sent message."""
        await active_chat().edit_message(self)

    async def remove(self) -> None:
        """Removes the message from the chat and from the transcript."""
        await active_chat().remove_message(self)

    async def remove_actions(self) -> None:
        """Takes away every action button the message was sent with."""
        for action in self.actions:
            await action.remove()


class ErrorMessage(Message):
    """A message that shows an error (Chainlit's cl.ErrorMessage)."""

    def __init__(self, content: Any = "", author: str = "Assistant", **kwargs: Any) -> None:
        # Chainlit's fail_on_persist_error is taken and means nothing here: the transcript
        # is written behind the send, and a failed write is retried, never raised to it.
        kwargs.pop("fail_on_persist_error", None)
        super().__init__(content, author, **kwargs)
        self.is_error = True
