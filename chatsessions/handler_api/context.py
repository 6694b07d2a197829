"""cl.context, as Chainlit's: the running chat's session, its emitter, and the step the
code runs in. It is found through the running handler, in its task or in a thread that
make_async or a sync handler runs (context variables travel with both)."""

from __future__ import annotations

from typing import Any

from .composer import Mode, commands_offered, modes_offered
from .session import RunningChat, active_chat
from .steps import Step, open_steps


class ChatSessionView:
    """Chainlit's context.session, read from the running chat: who, which chat, what it
    was started with. Changes go through user_session and the client's frames."""

    def __init__(self, chat: RunningChat) -> None:
        self._chat = chat
        self._store = chat.store
        self._reserved = chat.store.reserved

    @property
    def id(self) -> str:
        return str(self._reserved["id"])

    @property
    def thread_id(self) -> str:
        """A chat is one thread here: its id is the session's."""
        return self.id

    @property
    def user(self) -> Any:
        return self._reserved["user"]

    @property
    def chat_profile(self) -> str | None:
        return self._reserved["chat_profile"]

    @property
    def chat_settings(self) -> dict[str, Any]:
        return self._reserved["chat_settings"]

    @property
    def client_type(self) -> str:
        """Its client: "webapp" (the chat page) or "copilot" (the chat on another page)."""
        return self._chat.client_type

    @property
    def page(self) -> dict[str, Any]:
        """A copilot's page: {"url": its URL, "object": what the host page says it shows
        (a product's id, say)}; {} on the chat page."""
        return self._chat.page

    @property
    def user_env(self) -> dict[str, str]:
        return self._reserved["env"]

    def to_persistable(self) -> dict[str, Any]:
        """Chainlit's to_persistable(): the user_session keys that can be written (JSON,
        no user env value), its settings, profile and client type, and no env."""
        persisted, _ = self._store.split()
        return {
            **persisted,
            "chat_settings": self.chat_settings,
            "chat_profile": self.chat_profile,
            "client_type": self.client_type,
            "env": {},
        }


class Emitter:
    """Chainlit's context.emitter: the running chat's one way out (session.RunningChat),
    with the session it speaks for."""

    def __init__(self, chat: RunningChat) -> None:
        self.chat = chat
        self.session = ChatSessionView(chat)

    async def send_frame(self, frame: dict[str, Any]) -> None:
        """Sends a frame the chat's client understands (see docs/protocol.md)."""
        await self.chat.send(frame)

    async def set_commands(self, commands: list[dict[str, Any]]) -> None:
        """Offers commands in the composer (Chainlit's command dicts); [] offers none."""
        await self.chat.offer_commands(commands_offered(commands))

    async def set_modes(self, modes: list[Mode]) -> None:
        """Offers mode pickers in the composer; [] offers none."""
        await self.chat.offer_modes(modes_offered(modes))


class ChatContext:
    """What Chainlit's cl.context offers handler code: the session, the emitter and the
    step it runs in. Outside a handler, session and emitter raise NoActiveChatError."""

    @property
    def session(self) -> ChatSessionView:
        return ChatSessionView(active_chat())

    @property
    def emitter(self) -> Emitter:
        return Emitter(active_chat())

    @property
    def current_step(self) -> Step | None:
        """The innermost step open in the running code, if any."""
        opened = open_steps()
        return opened[-1] if opened else None


#: As Chainlit's cl.context (and chainlit.context.context).
context = ChatContext()
