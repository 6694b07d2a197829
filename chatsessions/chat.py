"""LiveChat: one running chat with its store, its handler queue, its socket and its writes."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Protocol

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.utils import timezone

from . import control, persistence, signals
from .conf import get_config
from .handlers import ChatApp
from .message import Message
from .models import ChatMessage, ChatSession
from .profiles import ChatProfile
from .protocol import CloseCode, ProtocolError
from .session import SessionStore, current_chat

logger = logging.getLogger("chatsessions")


class Socket(Protocol):
    """What a chat needs of the consumer that holds its socket."""

    async def send_frame(self, frame: dict[str, Any]) -> None: ...

    async def close_socket(self, code: int) -> None: ...


@dataclass(frozen=True)
class Job:
    """One handler call waiting its turn."""

    event: str
    argument: Any = None
    from_client: bool = False  # counts against MAX_PENDING_MESSAGES


#: The chats live in this process, by session id.
live_chats: dict[str, LiveChat] = {}


class HandlerFailed(Exception):
    """A handler raised; the chat reports it and goes on."""


def _author_of(user: Any) -> str:
    return user.get_username() if user is not None else "User"


class LiveChat:
    """One chat running in this process, attached to at most one socket at a time."""

    def __init__(
        self,
        row: ChatSession,
        app: ChatApp,
        user: Any,
        env: dict[str, str],
        next_sequence: int,
        root_message: Message | None = None,
    ) -> None:
        self.id = str(row.id)
        self.app_name = row.app
        self.app = app
        self.owner_id = row.owner_id
        self.user = user
        self.store = SessionStore(
            reserved={
                "id": self.id,
                "user": user,
                "chat_profile": row.chat_profile or None,
                "chat_settings": {**app.initial_settings(), **row.chat_settings},
                "env": env,
                "root_message": root_message,
            },
            data=row.store,
        )
        self.message_count = row.message_count
        self.socket: Socket | None = None
        self.ending = False
        self.ended = asyncio.Event()
        self._next_sequence = next_sequence
        self._queue: asyncio.Queue[Job] = asyncio.Queue()
        self._waiting = 0
        self._running: asyncio.Task[Any] | None = None
        self._stop_requested = False
        self._grace_timer: asyncio.TimerHandle | None = None
        self._batch = persistence.Batch(session_fields={"status": ChatSession.Status.LIVE})
        self._flush_lock = asyncio.Lock()
        self._write_failing = False
        live_chats[self.id] = self
        self._worker = asyncio.create_task(self._work(), name=f"chatsessions {self.id}")
        self._listener = asyncio.create_task(self._listen(), name=f"chatsessions {self.id} control")

    # -- socket -------------------------------------------------------------------------

    async def attach(self, socket: Socket) -> None:
        """Makes socket the chat's socket; one that held it before is closed."""
        previous, self.socket = self.socket, socket
        if self._grace_timer is not None:
            self._grace_timer.cancel()
            self._grace_timer = None
        self._batch.session_fields["status"] = ChatSession.Status.LIVE
        if previous is not None and previous is not socket:
            await previous.close_socket(CloseCode.RESUMED_ELSEWHERE)

    async def detach(self, socket: Socket) -> None:
        """Notes that socket dropped; the chat waits for a resume, then ends."""
        if self.socket is not socket:
            return  # a newer socket took the chat over
        self.socket = None
        if self.ending:
            return
        self._batch.session_fields["status"] = ChatSession.Status.DISCONNECTED
        grace = get_config()["RESUME_GRACE_SECONDS"]
        self._grace_timer = asyncio.get_running_loop().call_later(grace, self.end)
        await self.flush()

    def set_env(self, env: dict[str, str]) -> None:
        """Replaces the user env; only its key names are written."""
        self.store.reserved["env"] = env
        self._batch.session_fields["env_keys"] = sorted(env)

    async def send(self, frame: dict[str, Any]) -> None:
        """Sends a frame to the socket, if one is attached; the transcript keeps the rest."""
        if self.socket is not None:
            await self.socket.send_frame(frame)

    # -- what the client asks ------------------------------------------------------------

    async def receive_message(self, content: str, message_id: str | None) -> None:
        """Records a user message and queues on_message for it."""
        self._check_accepting()
        message = Message(content, author=_author_of(self.user), id=message_id, role="user")
        message.created = timezone.now()
        self._record(message)
        self._enqueue(Job("on_message", message, from_client=True))
        await self._signal(signals.message_received, message=message)

    async def _signal(self, signal: Any, **kwargs: Any) -> None:
        await signals.send(signal, session_id=self.id, app=self.app_name, user=self.user, **kwargs)

    async def change_settings(self, values: dict[str, Any]) -> None:
        """Validates new settings values, confirms them and queues on_settings_update."""
        self._check_accepting()
        widgets = {widget.id: widget for widget in self.app.settings}
        for key, value in values.items():
            if key not in widgets:
                raise ProtocolError("invalid_settings", f"{key!r} is not a declared setting")
            try:
                widgets[key].validate(value)
            except ValueError as error:
                raise ProtocolError("invalid_settings", str(error)) from None
        settings = {**self.store.reserved["chat_settings"], **values}
        self.store.reserved["chat_settings"] = settings
        self._batch.session_fields["chat_settings"] = settings
        await self.send({"type": "settings", "values": settings})
        self._enqueue(Job("on_settings_update", dict(settings), from_client=True))

    def stop(self) -> None:
        """Cancels the running handler, if any; on_stop runs after it."""
        if self._running is not None and not self._running.done():
            self._stop_requested = True
            self._running.cancel()

    def end(self, close_code: int | None = None) -> None:
        """Ends the chat once the handlers before it are done: on_chat_end runs once."""
        if self.ending:
            return
        self.ending = True
        if self._grace_timer is not None:
            self._grace_timer.cancel()
        self._queue.put_nowait(Job("end", close_code))

    async def start_handlers(self, resumed: bool) -> None:
        """Queues on_chat_start for a new chat or on_chat_resume for a resumed one."""
        self._enqueue(Job("on_chat_resume" if resumed else "on_chat_start"))
        await self._signal(signals.session_resumed if resumed else signals.session_started)

    def _check_accepting(self) -> None:
        if self.ending:
            raise ProtocolError("chat_ending", "this chat is ending; start a new one")
        if self._waiting >= get_config()["MAX_PENDING_MESSAGES"]:
            raise ProtocolError("flood", "too many messages are waiting for a reply; this one was dropped")

    def _enqueue(self, job: Job) -> None:
        if job.from_client:
            self._waiting += 1
        self._queue.put_nowait(job)

    # -- what handlers do -----------------------------------------------------------------

    async def send_message(self, message: Message) -> None:
        """Adds a new message to the transcript and sends it."""
        self._record(message)
        await self.send(message.to_frame())

    async def update_message(self, message: Message) -> None:
        """Replaces a sent message's content."""
        self._batch.changed.append((message.id, message.content))
        await self.send({"type": "update", "id": message.id, "content": message.content})

    async def remove_message(self, message: Message) -> None:
        """Removes a sent message."""
        self._batch.changed.append((message.id, None))
        self.message_count = max(self.message_count - 1, 0)
        await self.send({"type": "remove", "id": message.id})

    def _record(self, message: Message) -> None:
        assert message.created is not None
        self._batch.created.append(
            ChatMessage(
                session_id=self.id,
                sequence=self._next_sequence,
                message_id=message.id,
                role=message.role,
                author=message.author,
                content=message.content,
                created_at=message.created,
            )
        )
        self._next_sequence += 1
        self.message_count += 1
        self.store.reserved["root_message"] = message

    async def post_notice(self, content: str, author: str) -> None:
        """Adds a notice from outside the chat (staff, say) to the chat and its transcript."""
        notice = Message(content, author=author, role=ChatMessage.Role.NOTICE)
        notice.created = timezone.now()
        await self.send_message(notice)
        await self.flush()

    # -- the control channel ------------------------------------------------------------

    async def _listen(self) -> None:
        """Serves control.py's events for this chat, whether a socket is attached or not."""
        layer = get_channel_layer()
        if layer is None:
            return
        channel = await layer.new_channel()
        group = control.group_name(self.id)
        await layer.group_add(group, channel)
        try:
            while True:
                event = await layer.receive(channel)
                if event.get("type") == control.END:
                    self.end(CloseCode.ENDED_BY_SERVER)
                elif event.get("type") == control.NOTICE:
                    await self.post_notice(str(event.get("content", "")), str(event.get("author", "Staff")))
                else:
                    logger.warning("chat %s: ignored control event %r", self.id, event.get("type"))
        finally:
            await layer.group_discard(group, channel)

    # -- the handler task ---------------------------------------------------------------

    async def _work(self) -> None:
        # This task's context is the one every handler of this chat runs in.
        current_chat.set(self)
        try:
            while True:
                job = await self._queue.get()
                if job.from_client:
                    self._waiting -= 1
                if job.event == "end":
                    await self._finish(job.argument)
                    return
                await self._run(job)
        finally:
            if self._running is not None:
                self._running.cancel()

    async def _run(self, job: Job) -> None:
        handler = self.app.handler(job.event)
        if handler is not None:
            await self.send({"type": "task", "state": "start"})
            self._stop_requested = False
            self._running = asyncio.create_task(handler(job.argument))
            try:
                await asyncio.wait([self._running])
                outcome = self._running
            finally:
                self._running = None
            if self._stop_requested:
                await self._call("on_stop")
            elif not outcome.cancelled() and outcome.exception() is not None:
                await self._report(job.event, outcome.exception())
        await self.flush()
        if handler is not None:
            await self.send({"type": "task", "state": "end"})

    async def _call(self, event: str, *args: Any) -> None:
        """Runs a handler outside the queue's bookkeeping, reporting its exception."""
        handler = self.app.handler(event)
        if handler is None:
            return
        try:
            await handler(*args)
        except Exception as error:
            await self._report(event, error)

    async def _report(self, event: str, error: BaseException | None) -> None:
        logger.error("chat %s: %s failed", self.id, event, exc_info=error)
        detail = f"{event} failed"
        if get_config()["EXPOSE_HANDLER_ERRORS"]:
            detail += f": {type(error).__name__}: {error}"
        await self.send({"type": "error", "code": "handler_error", "detail": detail})

    async def _finish(self, close_code: int | None) -> None:
        await self._call("on_chat_end")
        self._batch.session_fields.update(status=ChatSession.Status.ENDED, ended_at=timezone.now())
        await self.flush()
        live_chats.pop(self.id, None)
        self._listener.cancel()
        await self._signal(signals.session_ended)
        socket, self.socket = self.socket, None
        if socket is not None:
            await socket.close_socket(close_code or 1000)
        self.ended.set()

    # -- persistence ----------------------------------------------------------------------

    async def flush(self) -> None:
        """Writes the transcript changes and store snapshot made since the last flush."""
        async with self._flush_lock:
            if self.store.dirty:
                data, unpersisted = self.store.snapshot()
                self._batch.session_fields.update(store=data, unpersisted_keys=unpersisted)
            batch, self._batch = self._batch, persistence.Batch()
            if not batch:
                return
            batch.session_fields["message_count"] = self.message_count
            try:
                await database_sync_to_async(persistence.write_batch)(self.id, batch, timezone.now())
            except Exception:
                # Keep the batch for the next flush; say so once per outage, not per write.
                self._batch = self._batch.merge_after(batch)
                if not self._write_failing:
                    logger.exception("chat %s: could not write to the database; will retry", self.id)
                self._write_failing = True
            else:
                if self._write_failing:
                    logger.warning("chat %s: database writes work again", self.id)
                self._write_failing = False


# -- opening a chat ---------------------------------------------------------------------------


async def chat_profiles(app: ChatApp, user: Any) -> list[ChatProfile]:
    """Returns the profiles set_chat_profiles offers this user (none if not declared)."""
    handler = app.handler("set_chat_profiles")
    if handler is None:
        return []
    profiles = await handler(user)
    if profiles is None:
        return []
    if not isinstance(profiles, (list, tuple)) or not all(
        isinstance(profile, ChatProfile) for profile in profiles
    ):
        raise TypeError("set_chat_profiles must return a list of ChatProfile")
    return list(profiles)


def choose_profile(profiles: list[ChatProfile], wanted: str | None) -> str | None:
    """Returns the profile to use, or raises ProtocolError for an undeclared one."""
    if wanted is None:
        default = next((p for p in profiles if p.default), profiles[0] if profiles else None)
        return default.name if default else None
    if not any(profile.name == wanted for profile in profiles):
        names = [profile.name for profile in profiles]
        raise ProtocolError("invalid_profile", f"unknown chat profile {wanted!r}; declared: {names}")
    return wanted


def declared_env(app: ChatApp, env: dict[str, str]) -> dict[str, str]:
    """Keeps the env values of the keys the app declares; others are dropped unseen."""
    return {key: env[key] for key in app.user_env if key in env}


async def new_chat(
    app_name: str, app: ChatApp, user: Any, profile: str | None, env: dict[str, str]
) -> LiveChat:
    """Creates a chat's row and starts it in this process."""
    row = await database_sync_to_async(persistence.create_session)(
        owner=user,
        app=app_name,
        chat_profile=profile or "",
        chat_settings=app.initial_settings(),
        env_keys=sorted(env),
    )
    return LiveChat(row, app, user, env, next_sequence=1)


class ResumeRefused(Exception):
    """The session does not exist, is not this user's, or belongs to another app."""


class ResumeEnded(Exception):
    """The session has ended and cannot be resumed."""


async def resume_chat(
    session_id: str, app_name: str, app: ChatApp, user: Any, env: dict[str, str]
) -> LiveChat:
    """Returns the live chat for session_id, rebuilding it from its snapshot if need be."""
    owner_id = user.pk if user is not None else None
    chat = live_chats.get(session_id)
    if chat is None:
        row, next_sequence = await database_sync_to_async(persistence.load_session)(session_id)
        if row is None or row.owner_id != owner_id or row.app != app_name:
            raise ResumeRefused(session_id)
        if row.status == ChatSession.Status.ENDED:
            raise ResumeEnded(session_id)
        # Another socket may have rebuilt it while this one read the database.
        chat = live_chats.get(session_id)
        if chat is None:
            history = await database_sync_to_async(persistence.load_history)(session_id, 1)
            root = _message_of(history[-1]) if history else None
            chat = LiveChat(row, app, user, {}, next_sequence, root)
    if chat.owner_id != owner_id or chat.app_name != app_name:
        raise ResumeRefused(session_id)
    if chat.ending:
        raise ResumeEnded(session_id)
    if env or not chat.store.reserved["env"]:  # a rebuilt chat has none until the client resends it
        chat.set_env(env)
    chat.user = chat.store.reserved["user"] = user
    return chat


def _message_of(row: ChatMessage) -> Message:
    message = Message(row.content, author=row.author, id=row.message_id, role=row.role)
    message.created = row.created_at
    return message


async def history_frames(chat: LiveChat) -> list[dict[str, Any]]:
    """Returns the chat's last HISTORY_LIMIT messages as message frames, after a flush."""
    await chat.flush()
    rows = await database_sync_to_async(persistence.load_history)(chat.id, get_config()["HISTORY_LIMIT"])
    return [_message_of(row).to_frame() for row in rows]
