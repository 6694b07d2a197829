"""The conversation so far, as Chainlit's cl.chat_context gives it to a handler:

    history = cl.chat_context.to_openai()   # [{"role": "user", "content": ...}, ...]

It holds the chat's user and assistant messages in order, as Message objects: those sent
and received while the chat is live in this process, and, for a chat resumed from
another, those its resume replayed (the last HISTORY_LIMIT). A user's edit of a message
drops the messages after it. Outside a handler it is empty.
"""

from __future__ import annotations

from typing import Any

from .session import NoActiveChatError, active_chat


def _messages() -> list[Any] | None:
    try:
        return active_chat().conversation
    except NoActiveChatError:
        return None


class ChatContext:
    """The running chat's messages (cl.chat_context)."""

    def get(self) -> list[Any]:
        """A copy of the messages, oldest first."""
        return list(_messages() or [])

    def add(self, message: Any) -> Any:
        """Adds a message (one the chat did not send, say) unless it is there already."""
        messages = _messages()
        if messages is not None and message not in messages:
            messages.append(message)
        return message

    def remove(self, message: Any) -> bool:
        """Takes a message out of the context (not out of the chat); whether it was in."""
        messages = _messages()
        if messages is not None and message in messages:
            messages.remove(message)
            return True
        return False

    def clear(self) -> None:
        messages = _messages()
        if messages is not None:
            messages.clear()

    def to_openai(self) -> list[dict[str, str]]:
        """The messages as OpenAI's chat API takes them."""
        roles = {"user": "user", "assistant": "assistant"}
        return [
            {"role": roles.get(message.role, "system"), "content": message.content} for message in self.get()
        ]


#: As Chainlit's cl.chat_context.
chat_context = ChatContext()
