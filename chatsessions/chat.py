"""LiveChat: one running chat with its store, its handler queue, its socket and its writes."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from dataclasses import dataclass
from typing import Any, Protocol

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.utils import timezone

from . import control, persistence, signals
from .conf import get_config
from .handlers import ChatApp
from .loops import per_event_loop
from .message import Message
from .models import ChatMessage, ChatSession
from .protocol import CloseCode, ProtocolError, error_frame, handler_error_frame
from .session import SessionStore, current_chat
from .writer import writer

logger = logging.getLogger("chatsessions")


class Socket(Protocol):
    """What a chat needs of the consumer that holds its socket."""

    async def send_frame(self, frame: dict[str, Any]) -> None: ...

    async def close_socket(self, code: int) -> None: ...

    async def login_holds(self, logged_out_session: str | None = None) -> bool: ...


@dataclass(frozen=True)
class Job:
    """One handler call waiting its turn."""

    event: str
    argument: Any = None
    from_client: bool = False  # counts against MAX_PENDING_MESSAGES


TASK_START = {"type": "task", "state": "start"}
TASK_END = {"type": "task", "state": "end"}

# A chat gives the event loop a turn after this many frames (see LiveChat.send).
FRAMES_BETWEEN_YIELDS = 32

#: The chats live in this process, by session id.
live_chats: dict[str, LiveChat] = {}

# How long a chat asked to hand over to another process waits for its queued handlers.
RELEASE_WAIT_SECONDS = 2.0


def _author_of(user: Any) -> str:
    return user.get_username() if user is not None else "User"


class LiveChat:
    """One chat running in this process, attached to at most one socket at a time.

    An idle chat holds no task: its worker runs while it has jobs, then returns.
    """

    __slots__ = (
        "__weakref__",
        "_batch",
        "_frames_sent",
        "_grace_timer",
        "_in_handler",
        "_jobs",
        "_next_sequence",
        "_stop_requested",
        "_waiting",
        "_worker",
        "app",
        "app_name",
        "author",
        "ending",
        "epoch",
        "id",
        "message_count",
        "owner_id",
        "socket",
        "store",
        "user",
    )

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
        # Which claim on the row this process holds; writes of an older claim are refused.
        self.epoch = row.holder_epoch
        self.app_name = row.app
        self.app = app
        self.owner_id = row.owner_id
        self.user = user
        self.author = _author_of(user)  # the author of the user's messages
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
        self._next_sequence = next_sequence
        self._frames_sent = 0
        self._jobs: deque[Job] = deque()
        self._worker: asyncio.Task[None] | None = None
        self._waiting = 0
        self._in_handler = False
        self._stop_requested = False
        self._grace_timer: asyncio.TimerHandle | None = None
        self._batch = persistence.Batch(session_fields={"status": ChatSession.Status.LIVE})
        live_chats[self.id] = self

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
        self.mark_disconnected()
        grace = get_config()["RESUME_GRACE_SECONDS"]
        self._grace_timer = asyncio.get_running_loop().call_later(grace, self.end)
        await self.flush()

    def mark_disconnected(self) -> None:
        """Records that no socket holds the chat: it is resumable, here or elsewhere."""
        self._batch.session_fields["status"] = ChatSession.Status.DISCONNECTED

    def set_env(self, env: dict[str, str]) -> None:
        """Replaces the user env; only its key names are written."""
        self.store.reserved["env"] = env
        self._batch.session_fields["env_keys"] = sorted(env)

    async def send(self, frame: dict[str, Any]) -> None:
        """Sends a frame to the socket, if one is attached; the transcript keeps the rest."""
        self._frames_sent += 1
        if self._frames_sent % FRAMES_BETWEEN_YIELDS == 0:
            # daphne's send returns without suspending: a handler streaming thousands of
            # tokens would hold the event loop, and every other socket of the worker, until
            # it is done. A turn of the loop now and then keeps the worker fair.
            await asyncio.sleep(0)
        if self.socket is None:
            return
        try:
            await self.socket.send_frame(frame)
        except Exception:
            # The socket closed under us (its disconnect handler detaches it): the frame is
            # lost, as it would be a moment later, but the chat must not be.
            logger.debug("chat %s: a frame to a closing socket was dropped", self.id)

    # -- what the client asks ------------------------------------------------------------

    async def receive_message(self, content: str, message_id: str | None) -> None:
        """Records a user message and queues on_message for it."""
        self._check_accepting()
        message = Message(content, author=self.author, id=message_id, role="user")
        message.created = timezone.now()
        self._record(message)
        # Receivers see the message before the handler does; the socket's frames are
        # handled one at a time, so the order of messages stays the order of arrival.
        await self._signal(signals.message_received, message=message)
        self._enqueue(Job("on_message", message, from_client=True))

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

    async def wait_for_handlers(self) -> None:
        """Returns once the queued handlers (an end included) have run."""
        while self._worker is not None:
            await asyncio.shield(self._worker)

    def stop(self) -> None:
        """Cancels the running handler, if any; on_stop runs after it."""
        if self._in_handler and not self._stop_requested and self._worker is not None:
            self._stop_requested = True
            self._worker.cancel()

    def end(self, close_code: int | None = None) -> None:
        """Ends the chat once the handlers before it are done: on_chat_end runs once."""
        if self.ending:
            return
        self.ending = True
        if self._grace_timer is not None:
            self._grace_timer.cancel()
        self._enqueue(Job("end", close_code))

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
        self._jobs.append(job)
        if self._worker is None:
            self._worker = asyncio.create_task(self._work())

    # -- what handlers do -----------------------------------------------------------------

    async def send_message(self, message: Message) -> None:
        """Adds a new message to the transcript and sends it."""
        self._record(message)
        await self._send_written(message.to_frame())

    async def update_message(self, message: Message) -> None:
        """Replaces a sent message's content."""
        self._batch.changed.append((message.id, message.content))
        await self._send_written({"type": "update", "id": message.id, "content": message.content})

    async def remove_message(self, message: Message) -> None:
        """Removes a sent message."""
        self._batch.changed.append((message.id, None))
        self.message_count = max(self.message_count - 1, 0)
        await self._send_written({"type": "remove", "id": message.id})

    async def _send_written(self, frame: dict[str, Any]) -> None:
        """Sends a frame that changes the transcript; with WRITE_DELAY_SECONDS = 0 only
        once the change is committed, so that nothing a client saw can be lost."""
        if not get_config()["WRITE_DELAY_SECONDS"]:
            await writer().committed(self)
        await self.send(frame)

    def _record(self, message: Message) -> None:
        assert message.created is not None
        self._batch.created.append(
            {
                "sequence": self._next_sequence,
                "message_id": message.id,
                "role": message.role,
                "author": message.author,
                "content": message.content,
                "created_at": message.created,
            }
        )
        self._next_sequence += 1
        self.message_count += 1
        self.store.reserved["root_message"] = message

    async def post_notice(self, content: str, author: str) -> None:
        """Adds a notice from outside the chat (staff, say) to the chat and its transcript."""
        notice = Message(content, author=author, role=ChatMessage.Role.NOTICE)
        notice.created = timezone.now()
        await self.send_message(notice)
        self._changed()

    # -- the control channel ------------------------------------------------------------

    async def open_control(self) -> None:
        """Leads the chat's channel layer group here; raises if the layer is unreachable."""
        await listener().join(self.id)

    async def close_control(self) -> None:
        """Stops the chat's channel layer group from leading here."""
        await listener().leave(self.id)

    async def handle_control(self, event: dict[str, Any]) -> None:
        """Serves an event of control.py, whether a socket is attached or not."""
        kind = event.get("type")
        if kind == control.END:
            self.end(CloseCode.ENDED_BY_SERVER)
        elif kind == control.NOTICE:
            await self.post_notice(str(event.get("content", "")), str(event.get("author", "Staff")))
        elif kind == control.RELEASE:
            await self._release(str(event.get("reply_to", "")))
        elif kind == control.RECHECK:
            socket = self.socket
            if socket is not None and not await socket.login_holds(event.get("logged_out_session")):
                await self.revoke()
        else:
            logger.warning("chat %s: ignored control event %r", self.id, kind)

    async def _release(self, reply_to: str) -> None:
        """Hands the chat over to the process resuming it: the queued handlers finish (for a
        bounded time), everything is written, and this process lets go without on_chat_end."""
        if self.id not in live_chats:
            return
        if not self.ending:
            self.ending = True
            self._enqueue(Job("release"))
        if self._worker is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._worker), RELEASE_WAIT_SECONDS)
            except TimeoutError:
                logger.warning("chat %s: handed over with a handler still running", self.id)
        await self.flush()
        await self._leave(CloseCode.RESUMED_ELSEWHERE)
        layer = get_channel_layer()
        if reply_to and layer is not None:
            await layer.send(reply_to, {"type": control.RELEASED, "session_id": self.id})

    async def _leave(self, close_code: int) -> None:
        """Stops this process's hold on the chat, without on_chat_end: it lives on elsewhere."""
        live_chats.pop(self.id, None)
        if self._grace_timer is not None:
            self._grace_timer.cancel()
        self._jobs.clear()  # the worker, if it called this, returns after its job
        if self._worker is not None and self._worker is not asyncio.current_task():
            self._worker.cancel()
        await self.close_control()
        socket, self.socket = self.socket, None
        if socket is not None:
            await socket.close_socket(close_code)

    # -- the handler task ---------------------------------------------------------------

    async def _work(self) -> None:
        # This task's context is the one every handler of this chat runs in.
        current_chat.set(self)
        try:
            while self._jobs:
                job = self._jobs.popleft()
                if job.from_client:
                    self._waiting -= 1
                if job.event == "end":
                    await self._finish(job.argument)
                    return
                if job.event == "release":
                    return
                try:
                    await self._run(job)
                except Exception:
                    # Handler errors are reported in _run; this is a bug of ours, and the
                    # chat still goes on with its next job.
                    logger.exception("chat %s: %s failed unexpectedly", self.id, job.event)
        finally:
            self._worker = None

    async def _run(self, job: Job) -> None:
        handler = self.app.handler(job.event)
        if handler is None:
            await self._written()
            return
        await self.send(TASK_START)
        try:
            # The handler runs in this task, not one of its own: a stop cancels this task
            # while the handler runs, and the cancellation is taken back here.
            self._stop_requested = False
            self._in_handler = True
            try:
                await handler(job.argument)
            except asyncio.CancelledError:
                if not self._stop_requested:
                    raise  # the chat itself is going away
            except Exception as error:
                await self._report(job.event, error)
            finally:
                self._in_handler = False
            if self._stop_requested:
                # A sync handler cannot be interrupted: its thread ran to the end and the
                # cancellation was never raised. Either way, it is handled now.
                asyncio.current_task().uncancel()  # type: ignore[union-attr]
                await self._call("on_stop")
            await self._written()
        finally:
            # Every task start has its end, even when the chat goes away meanwhile.
            await self.send(TASK_END)

    async def _written(self) -> None:
        """Has the handler's changes written: within the write delay, or now if it is 0."""
        if get_config()["WRITE_DELAY_SECONDS"]:
            self._changed()
        else:
            await writer().committed(self)

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
        await self.send(handler_error_frame(event, error, get_config()["EXPOSE_HANDLER_ERRORS"]))

    async def _finish(self, close_code: int | None) -> None:
        # A chat that moved to another process ends there, not here.
        try:
            holds = await database_sync_to_async(persistence.holds)(self.id, self.epoch)
        except Exception:
            holds = True  # the database is down: nobody else can have claimed it either
        if not holds:
            await self._leave(CloseCode.RESUMED_ELSEWHERE)
            return
        await self._call("on_chat_end")
        self._batch.session_fields.update(status=ChatSession.Status.ENDED, ended_at=timezone.now())
        await self.flush()
        await self._signal(signals.session_ended)
        await self._leave(close_code or 1000)

    # -- persistence ----------------------------------------------------------------------

    async def flush(self) -> None:
        """Writes the transcript changes and store snapshot made so far, now."""
        await writer().write([self])

    def _changed(self) -> None:
        writer().mark(self)

    def take_batch(self) -> persistence.Batch:
        """Hands the writer everything to write since the last time, snapshot included."""
        if self.store.dirty:
            data, unpersisted = self.store.snapshot()
            self._batch.session_fields.update(store=data, unpersisted_keys=unpersisted)
        batch, self._batch = self._batch, persistence.Batch()
        if batch:
            batch.session_fields["message_count"] = self.message_count
        return batch

    def give_back(self, batch: persistence.Batch) -> None:
        """Takes back a batch the writer could not write, ahead of what came since."""
        self._batch = self._batch.merge_after(batch)

    async def row_deleted(self) -> None:
        """Ends a chat whose row was deleted: by staff (4000), or with its user (4401)."""
        if self.ending:
            return
        socket = self.socket
        if socket is not None and not await socket.login_holds():
            await self.revoke()
        else:
            self.end(CloseCode.ENDED_BY_SERVER)

    async def revoke(self) -> None:
        """Ends the chat of a user who may no longer chat: what they queued is dropped, and
        the socket closes with 4401 once on_chat_end has run."""
        if self.ending:
            return
        self._jobs = deque(job for job in self._jobs if not job.from_client)
        self._waiting = 0
        await self.send(error_frame("not_logged_in", "your login has ended; log in again to chat"))
        self.end(CloseCode.NOT_LOGGED_IN)

    async def superseded(self) -> None:
        """Lets go of a chat another process has claimed."""
        logger.info("chat %s: resumed by another process; this one lets go", self.id)
        await self._leave(CloseCode.RESUMED_ELSEWHERE)


async def _dispatch_control(event: dict[str, Any]) -> None:
    chat = live_chats.get(str(event.get("session_id")))
    if chat is not None:
        await chat.handle_control(event)


#: Returns the control listener of the running event loop.
listener = per_event_loop(lambda: control.Listener(_dispatch_control))
