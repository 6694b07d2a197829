"""LiveChat: one running chat of this process, and the chats of this process by id.

A chat holds its store and what ties the parts together: its socket (consumers.py), its
handler queue (jobs.py), its unwritten changes (journal.py, written by writer.py) and its
control group (control.py).
"""

from __future__ import annotations

import logging
from typing import Any

from channels.db import database_sync_to_async
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import signals
from ..conf import RELEASE_WAIT_SECONDS, get_config
from ..handler_api.message import Message
from ..handler_api.registry import ChatApp
from ..handler_api.session import SessionStore
from ..handler_api.threads import thread_dict
from ..handler_api.widgets import Widget
from ..models import ChatSession
from ..storage import persistence
from ..wire import frames
from ..wire.frames import CloseCode, ErrorCode
from . import control
from .data_feed import feed_for
from .delivery import Delivery, Socket
from .inbox import Inbox
from .interaction import Interaction
from .jobs import Job, JobRunner
from .journal import Journal, Lost
from .life import Life, State
from .loops import per_event_loop
from .transcript import Transcript
from .writer import write_at_exit

logger = logging.getLogger("chatsessions")


#: The chats live in this process, by session id.
live_chats: dict[str, LiveChat] = {}


class LiveChat:
    """One chat running in this process, attached to at most one socket at a time."""

    __slots__ = (
        "__weakref__",
        "app",
        "app_name",
        "author",
        "id",
        "inbox",
        "jobs",
        "journal",
        "life",
        "owner_id",
        "store",
        "transcript",
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
        self.app_name = row.app
        self.app = app
        self.owner_id = row.owner_id
        self.user = user
        self.author = user.get_username() if user is not None else "User"  # of the user's messages
        settings = {**app.initial_settings(), **row.chat_settings}
        self.store = SessionStore.of_chat(
            self.id, user, row.chat_profile or None, settings, env, row.store, root_message
        )
        self.journal = Journal(
            self.id, row.holder_epoch, self.store, row.message_count, next_sequence, self._lost, row.title
        )
        # A chat rebuilt from the database finds its transcript's actions when first clicked.
        self.transcript = Transcript(self.journal, Delivery(self.id), Interaction(loaded=next_sequence == 1))
        self.transcript.feed = feed_for(app, self.transcript, self.id, user, new=next_sequence == 1)
        self.jobs = JobRunner(self.id, app, self.transcript)
        self.inbox = Inbox(self)
        self.life = Life()
        live_chats[self.id] = self

    @property
    def state(self) -> State:
        return self.life.state

    @property
    def accepting(self) -> bool:
        """Whether the chat takes new messages: it is neither ending nor gone."""
        return self.life.accepting

    # -- its socket ---------------------------------------------------------------------

    async def attach(self, socket: Socket) -> None:
        """Makes socket the chat's socket; one that held it before is closed."""
        previous = self.transcript.delivery.take(socket)
        self.life.attached()
        self.journal.status(ChatSession.Status.LIVE)
        if previous is not None and previous is not socket:
            await previous.close_socket(CloseCode.RESUMED_ELSEWHERE)

    async def detach(self, socket: Socket) -> None:
        """Notes that socket dropped; the chat waits for a resume, then ends."""
        if self.socket is not socket:
            return  # a newer socket took the chat over
        self.transcript.delivery.take(None)
        if not self.life.detached(get_config()["RESUME_GRACE_SECONDS"], self.end):
            return
        self.journal.status(ChatSession.Status.DISCONNECTED)
        await self.flush()

    @property
    def settings_widgets(self) -> list[Widget]:
        """Its settings widgets: those its handler sent, else its app's declared ones."""
        sent = self.transcript.widgets
        return self.app.settings if sent is None else sent

    def set_env(self, env: dict[str, str]) -> None:
        """Replaces the user env; only its key names are written."""
        self.store.reserved["env"] = env
        self.journal.env_keys(sorted(env))

    @property
    def socket(self) -> Socket | None:
        return self.transcript.delivery.socket

    # -- what the client asks ------------------------------------------------------------

    async def start_handlers(self, resumed: bool, replayed: list[dict[str, Any]] | None = None) -> None:
        """Queues on_chat_start for a new chat, or on_chat_resume for a resumed one, given
        the chat as Chainlit's ThreadDict (built from the replayed history)."""
        if resumed:
            thread = thread_dict(self.id, self.journal.title, self.user, replayed or [])
            self.jobs.add(Job("on_chat_resume", thread))
        else:
            self.jobs.add(Job("on_chat_start"))
        await self.signal(signals.session_resumed if resumed else signals.session_started)

    async def signal(self, signal: Any, **kwargs: Any) -> None:
        """Sends one of signals.py's signals about this chat."""
        await signals.send(signal, session_id=self.id, app=self.app_name, user=self.user, **kwargs)

    # -- its end: asked by the client, by staff, by the grace timer, or by an account change

    def end(self, close_code: CloseCode = CloseCode.NORMAL) -> None:
        """Ends the chat once the handlers before it are done: on_chat_end runs once. A
        handler waiting on a question is stopped: nobody is left to answer it."""
        if self.life.finishing(State.ENDING):
            if self.transcript.interaction.asking is not None:
                self.jobs.stop()
            self.jobs.finish_with(lambda: self._finish(close_code))

    async def _finish(self, close_code: CloseCode) -> None:
        # A chat that moved to another process ends there, not here.
        try:
            holds = await database_sync_to_async(persistence.holds)(self.id, self.journal.epoch)
        except Exception:
            holds = True  # the database is down: nobody else can have claimed it either
        if not holds:
            await self._leave(State.HANDED_OVER, CloseCode.RESUMED_ELSEWHERE)
            return
        await self.jobs.call("on_chat_end")
        self.journal.ended(timezone.now())
        await self.flush()
        await self.signal(signals.session_ended)
        await self._leave(State.ENDED, close_code)

    async def revoke(self) -> None:
        """Ends the chat of a user who may no longer chat: what they queued is dropped, and
        the socket closes with 4401 once on_chat_end has run."""
        if not self.accepting:
            return
        self.jobs.drop_client_jobs()
        await self.transcript.send(
            frames.error(ErrorCode.NOT_LOGGED_IN, _("your login has ended; log in again to chat"))
        )
        self.end(CloseCode.NOT_LOGGED_IN)

    async def hand_over(self) -> None:
        """Lets a process resuming the chat take it: the queued handlers finish (for a
        bounded time), everything is written, and this process lets go without on_chat_end."""
        if self.id not in live_chats:
            return
        if self.life.finishing(State.HANDING_OVER):
            self.jobs.finish_with(_nothing)
        if not await self.jobs.idle_within(RELEASE_WAIT_SECONDS):
            logger.warning("chat %s: handed over with a handler still running", self.id)
        await self.flush()
        await self._leave(State.HANDED_OVER, CloseCode.RESUMED_ELSEWHERE)

    async def let_go(self) -> None:
        """Writes the chat and forgets it here without on_chat_end, as a cleanly stopped
        process does: it stays resumable (chatsessions.testing does this at its exit)."""
        if self.accepting:
            self.journal.status(ChatSession.Status.DISCONNECTED)
        self.jobs.cancel()
        await self.flush()
        await self._leave(State.HANDED_OVER, CloseCode.RESUMED_ELSEWHERE)

    async def _lost(self, why: Lost) -> None:
        """The writer cannot write this chat any more (see journal.Lost)."""
        if why is Lost.SUPERSEDED:
            logger.info("chat %s: resumed by another process; this one lets go", self.id)
            await self._leave(State.HANDED_OVER, CloseCode.RESUMED_ELSEWHERE)
        elif self.accepting:  # deleted: by staff (4000), or with its user (4401)
            socket = self.socket
            if socket is not None and not await socket.login_holds():
                await self.revoke()
            else:
                self.end(CloseCode.ENDED_BY_SERVER)

    async def _leave(self, state: State, close_code: int) -> None:
        """Stops this process's hold on the chat."""
        self.life.left(state)
        live_chats.pop(self.id, None)
        self.jobs.cancel()
        await self.close_control()
        socket = self.transcript.delivery.take(None)
        if socket is not None:
            await socket.close_socket(close_code)

    # -- the control events (control.py), each served by the method of its name ----------

    async def chat_end(self, event: dict[str, Any]) -> None:
        """Staff ended the chat (control.end_chat): its socket closes with 4000."""
        self.end(CloseCode.ENDED_BY_SERVER)

    async def chat_notice(self, event: dict[str, Any]) -> None:
        """Adds a notice from outside the chat (staff, say) to the chat and its transcript."""
        await self.transcript.add_notice(str(event.get("content", "")), str(event.get("author", "Staff")))

    async def chat_release(self, event: dict[str, Any]) -> None:
        """A process resuming the chat asks this one to let go (control.arequest_release)."""
        await self.hand_over()
        await control.reply_released(event)

    async def chat_retitle(self, event: dict[str, Any]) -> None:
        """The user renamed the chat (see web/history_api.py)."""
        title = str(event.get("title", ""))
        self.journal.renamed(title)
        self.transcript.tell_data_layer("update_thread", thread_id=self.id, name=title)

    async def chat_recheck(self, event: dict[str, Any]) -> None:
        """Ends the chat (4401) if its socket's login no longer holds; a socket of the
        session that logged out is closed without a check."""
        logged_out = event.get("logged_out_session")
        socket = self.socket
        if socket is not None and not await socket.login_holds(
            logged_out if isinstance(logged_out, str) else None
        ):
            await self.revoke()

    # -- its writes and its control group -----------------------------------------------

    async def flush(self) -> None:
        """Writes the transcript changes and store snapshot made so far, now."""
        await self.transcript.flush()

    async def open_control(self) -> None:
        """Leads the chat's channel layer group here; raises if the layer is unreachable."""
        await listener().join(self.id)

    async def close_control(self) -> None:
        """Stops the chat's channel layer group from leading here."""
        await listener().leave(self.id)


async def _nothing() -> None:
    pass


#: Returns the control listener of the running event loop.
listener = per_event_loop(lambda: control.Listener(lambda event: control.dispatch(event, live_chats.get)))


def write_all_at_exit() -> None:
    """Writes what every live chat of this process has not written yet, marking them
    disconnected and so resumable elsewhere. Registered with atexit: a server stopped
    cleanly (SIGTERM, Ctrl-C) loses no answered message, whether or not it told its
    sockets goodbye (daphne stops its event loop without doing so)."""
    journals = []
    for chat in list(live_chats.values()):
        if chat.accepting:
            chat.journal.status(ChatSession.Status.DISCONNECTED)
        journals.append(chat.journal)
    live_chats.clear()
    write_at_exit(journals)
