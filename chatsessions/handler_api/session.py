"""The per-chat store and user_session, the proxy that finds the current chat's store."""

from __future__ import annotations

import json
from collections.abc import Iterator, KeysView, Sequence
from contextvars import ContextVar
from datetime import datetime
from typing import Any, Protocol

from ..wire.frames import MessageLike

#: Keys the framework fills, with what a handler should use instead of setting them.
RESERVED_KEYS: dict[str, str] = {
    "id": "it is the chat's session id and never changes",
    "user": "it is the logged-in Django user of the socket",
    "chat_profile": "the client picks the profile in its start frame",
    "chat_settings": "the client changes settings with a settings frame",
    "env": "the client sends user env values in its start frame",
    "root_message": "it is the most recent Message; send a cl.Message instead",
}

# Values that cannot be changed in place; reading any other value may mutate it.
_IMMUTABLE = (str, int, float, bool, bytes, type(None), tuple, frozenset)


class NoActiveChatError(RuntimeError):
    """user_session or Message was used outside a chat handler."""


class ReservedKeyError(KeyError):
    """A handler tried to set or delete a key the framework owns."""

    def __str__(self) -> str:
        return str(self.args[0])


class SessionStore:
    """One chat's in-memory key-value store: the reserved keys and the app's own."""

    __slots__ = ("data", "dirty", "reserved")

    def __init__(self, reserved: dict[str, Any], data: dict[str, Any] | None = None) -> None:
        self.reserved = reserved
        self.data: dict[str, Any] = dict(data or {})
        # True when the app's keys may differ from the last snapshot written.
        self.dirty = False

    @classmethod
    def of_chat(
        cls,
        session_id: str,
        user: Any,
        chat_profile: str | None,
        chat_settings: dict[str, Any],
        env: dict[str, str],
        data: dict[str, Any],
        root_message: Any = None,
    ) -> SessionStore:
        """Returns a chat's store: its reserved keys, then its app's keys from data."""
        reserved = {
            "id": session_id,
            "user": user,
            "chat_profile": chat_profile,
            "chat_settings": chat_settings,
            "env": env,
            "root_message": root_message,
        }
        return cls(reserved, data)

    def get(self, key: str, default: Any = None) -> Any:
        if key in self.reserved:
            return self.reserved[key]
        value = self.data.get(key, default)
        if not isinstance(value, _IMMUTABLE):
            self.dirty = True  # the caller may change a list or dict in place
        return value

    def set(self, key: str, value: Any) -> None:
        self._check_writable(key)
        self.data[key] = value
        self.dirty = True

    def delete(self, key: str) -> None:
        self._check_writable(key)
        del self.data[key]
        self.dirty = True

    def _check_writable(self, key: str) -> None:
        if not isinstance(key, str):
            raise TypeError(f"user_session keys are strings, not {type(key).__name__}")
        if key in RESERVED_KEYS:
            raise ReservedKeyError(
                f"user_session key {key!r} is reserved and read-only: {RESERVED_KEYS[key]}"
            )

    def __contains__(self, key: object) -> bool:
        return key in self.reserved or key in self.data

    def keys(self) -> list[str]:
        return [*self.reserved, *self.data]

    def to_dict(self) -> dict[str, Any]:
        return {**self.reserved, **self.data}

    def snapshot(self) -> tuple[dict[str, Any], dict[str, str]]:
        """Splits the app's keys into the ones to write and the others, each with why it
        stays in memory: not JSON-serialisable, or holding a user env value."""
        split = self.split()
        self.dirty = False
        return split

    def split(self) -> tuple[dict[str, Any], dict[str, str]]:
        """The app's keys as snapshot() splits them, the store unchanged."""
        persisted: dict[str, Any] = {}
        unpersisted: dict[str, str] = {}
        secrets = _env_markers(self.reserved.get("env") or {})
        for key, value in self.data.items():
            try:
                # allow_nan=False: PostgreSQL's jsonb refuses NaN and Infinity.
                text = json.dumps(value, allow_nan=False)
            except (TypeError, ValueError):
                unpersisted[key] = type(value).__name__
                continue
            if any(secret in text for secret in secrets):
                unpersisted[key] = f"{type(value).__name__}, holds a user env value"
            else:
                persisted[key] = json.loads(text)
        return persisted, unpersisted


# Env values this long are looked for inside longer text too ("Bearer <key>"); shorter
# ones only as a whole string, or every "1" in the store would count as a secret.
_SECRET_INSIDE_TEXT_LENGTH = 8


def _env_markers(env: dict[str, str]) -> list[str]:
    """Returns what marks a JSON text as holding one of the env values."""
    markers = []
    for value in env.values():
        if not value:
            continue
        quoted = json.dumps(value)
        markers.append(quoted[1:-1] if len(value) >= _SECRET_INSIDE_TEXT_LENGTH else quoted)
    return markers


class ActionLike(Protocol):
    """An action button as the chat keeps it (actions.Action is one)."""

    id: str
    name: str
    forId: str | None

    def to_dict(self) -> dict[str, Any]: ...

    def to_frame(self) -> dict[str, Any]: ...


class StepLike(Protocol):
    """A step as the chat keeps it (steps.Step is one)."""

    id: str
    name: str
    created: datetime | None

    @property
    def output(self) -> str: ...

    def meta(self) -> dict[str, Any]: ...


class RunningChat(Protocol):
    """What handler code reaches of the chat it runs in (transcript.Transcript is one)."""

    #: Its user and assistant messages in order (conversation.py's chat_context).
    conversation: list[Any]

    @property
    def store(self) -> SessionStore: ...

    async def send(self, frame: dict[str, Any]) -> None: ...

    async def add_message(
        self,
        message: MessageLike,
        actions: Sequence[ActionLike] = (),
        elements: Sequence[dict[str, Any]] = (),
    ) -> None: ...

    async def add_action(self, action: ActionLike) -> None: ...

    async def remove_action(self, action: ActionLike) -> None: ...

    async def ask(
        self,
        kind: str,
        message_id: str,
        action_ids: Sequence[str],
        timeout: float,
        spec: dict[str, Any] | None = None,
    ) -> Any: ...

    async def add_step(self, step: StepLike) -> None: ...

    async def update_step(self, step: StepLike) -> None: ...

    async def stream_step(self, step: StepLike, token: str, replace: bool) -> None: ...

    async def remove_step(self, step: StepLike) -> None: ...

    async def edit_message(self, message: MessageLike) -> None: ...

    async def remove_message(self, message: MessageLike) -> None: ...

    def set_title(self, title: str) -> None: ...

    async def declare_settings(self, widgets: Sequence[Any], values: dict[str, Any] | None) -> None: ...

    async def remove_element(self, element_id: str, for_id: str | None) -> None: ...

    async def update_element(self, for_id: str, described: dict[str, Any]) -> None: ...

    async def offer_commands(self, commands: list[dict[str, Any]]) -> None: ...

    async def offer_modes(self, modes: list[Any]) -> None: ...

    def tell_data_layer(self, method: str, *args: Any, **kwargs: Any) -> None: ...

    #: Its socket's client: "webapp" (the chat page) or "copilot" (on another page).
    client_type: str
    #: A copilot's page: {"url": ..., "object": what its host says it shows}.
    page: dict[str, Any]

    async def call_function(self, name: str, args: dict[str, Any], timeout: float) -> Any: ...


current_chat: ContextVar[RunningChat] = ContextVar("chatsessions_current_chat")


def active_chat() -> RunningChat:
    """Returns the chat whose handler is running, or raises NoActiveChatError."""
    try:
        return current_chat.get()
    except LookupError:
        raise NoActiveChatError(
            "user_session is only available while a chat handler runs "
            "(on_chat_start, on_message, ...) or in code called from one"
        ) from None


class UserSession:
    """The current chat's store, found through a context variable.

    Two chats in one process never see each other's keys, also from sync handlers,
    which run in a worker thread with a copy of the context.
    """

    def _store(self) -> SessionStore:
        return active_chat().store

    def get(self, key: str, default: Any = None) -> Any:
        """Returns the value of key in this chat, or default."""
        return self._store().get(key, default)

    def set(self, key: str, value: Any) -> None:
        """Sets key to value in this chat; reserved keys raise ReservedKeyError."""
        self._store().set(key, value)

    def keys(self) -> KeysView[str]:
        """Returns the keys of this chat, reserved ones first."""
        return self.to_dict().keys()

    def to_dict(self) -> dict[str, Any]:
        """Returns a copy of this chat's keys and values, reserved ones included."""
        return self._store().to_dict()

    def __contains__(self, key: object) -> bool:
        return key in self._store()

    def __getitem__(self, key: str) -> Any:
        store = self._store()
        if key not in store:
            raise KeyError(key)
        return store.get(key)

    def __setitem__(self, key: str, value: Any) -> None:
        self._store().set(key, value)

    def __delitem__(self, key: str) -> None:
        store = self._store()
        if key not in store.data and key not in RESERVED_KEYS:
            raise KeyError(key)
        store.delete(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._store().keys())


user_session = UserSession()


def set_title(title: str) -> None:
    """Titles the current chat (shown in the admin and the user's chat list); without it,
    a chat is titled by its first user message. From sync and async handlers alike."""
    if not isinstance(title, str):
        raise TypeError(f"set_title takes a string, not {type(title).__name__}")
    active_chat().set_title(title)
