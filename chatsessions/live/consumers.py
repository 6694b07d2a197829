"""ChatConsumer: the WebSocket end of a chat: frames in through wire/protocol.py to the
chat's inbox, out through the outbox; every frame it sends is built by wire/frames.py."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils import translation
from django.utils.translation import gettext as _

from ..accounts.embed import SUBPROTOCOL
from ..conf import get_config
from ..handler_api.registry import ChatApp, load_app
from ..wire import frames
from ..wire.frames import CloseCode, ErrorCode
from ..wire.protocol import Frame, ProtocolError, Start, parse_frame
from .access import Login
from .auth import KEY_REFUSED, UNAVAILABLE
from .chat import LiveChat
from .language import language_of
from .lease import heartbeat
from .limits import InboundBudget, ServerTransport, frame_size, server_transport
from .opening import Refusal, open_chat, session_frame
from .origins import refused_origin
from .outbox import Outbox

logger = logging.getLogger("chatsessions")

#: How long a client shut out for taking too much has to read its close before the
#: connection is dropped.
SHUT_OUT_GRACE_SECONDS = 1.0

#: The scope key that names the handler module of the chat app app_name, past APPS.
APP_MODULE_SCOPE_KEY = "chatsessions.app_module"


class ChatConsumer(AsyncWebsocketConsumer):
    """One socket of one chat; the chat itself outlives it until it ends."""

    # The chat, not its socket, listens on the channel layer (see LiveChat.open_control):
    # an alias that names no layer keeps Channels from giving every socket a channel,
    # so a socket costs no layer round trip and survives a layer outage.
    channel_layer_alias = "chatsessions-socket-has-no-channel"

    chat: LiveChat | None = None
    closed = False
    transport: ServerTransport | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Runs the consumer; on the way out, however it ends (a disconnect, or a server
        cancelling it), the chat is detached and written."""
        self.transport = server_transport(send)
        self.outbox = Outbox(self.write)
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.closed = True
            if self.chat is not None:
                await self.chat.detach(self)

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Routes an ASGI message to its handler.

        Unlike Channels' dispatch, it does not first hop to a thread to close stale database
        connections: nothing on this consumer's message path queries, and our queries go
        through database_sync_to_async, which closes them itself. That hop cost a thread
        round trip per message.
        """
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self) -> None:
        """Accepts the socket, then refuses it with a close code if it may not chat."""
        # This task's language from here on: the socket's error frames, and the handlers
        # it starts (their tasks inherit it), speak the page's language.
        translation.activate(language_of(self.scope))
        self.chat = None
        heartbeat().ensure_running()
        now = asyncio.get_running_loop().time()
        self.inbound = InboundBudget.from_settings(now)
        self.app_name: str = self.scope["url_route"]["kwargs"].get("app", "default")
        # Accept first: a close code and an error frame only reach an accepted socket.
        # (An embedded chat's frame offers our subprotocol, with its key beside it.)
        offered = self.scope.get("subprotocols") or ()
        await self.accept(SUBPROTOCOL if SUBPROTOCOL in offered else None)
        if refused_origin(self.scope):
            await self.refuse(
                CloseCode.FORBIDDEN_ORIGIN,
                ErrorCode.FORBIDDEN_ORIGIN,
                _("chats open only from this site's pages"),
            )
            return
        # A test client (chatsessions.testing) may name a module not listed in APPS; the
        # scope is the server's own, out of any client's reach.
        module_path = self.scope.get(APP_MODULE_SCOPE_KEY) or get_config()["APPS"].get(self.app_name)
        if module_path is None:
            detail = _("no chat app named %(name)s") % {"name": repr(self.app_name)}
            await self.refuse(CloseCode.UNKNOWN_APP, ErrorCode.UNKNOWN_APP, detail)
            return
        try:
            self.app: ChatApp = load_app(module_path)
        except (Exception, SystemExit):  # a module that calls sys.exit() must not stop the server
            logger.exception("cannot import the handler module of chat app %r", self.app_name)
            await self.refuse(
                CloseCode.APP_UNAVAILABLE, ErrorCode.APP_UNAVAILABLE, _("this chat app cannot be loaded")
            )
            return
        if self.scope.get(UNAVAILABLE):
            await self.refuse(
                CloseCode.TRY_AGAIN_LATER,
                ErrorCode.UNAVAILABLE,
                _("the login cannot be read now; try again shortly"),
            )
            return
        if self.scope.get(KEY_REFUSED):
            logger.warning("refused an embedded chat's socket: %s", self.scope[KEY_REFUSED])
            await self.refuse(
                CloseCode.NOT_LOGGED_IN,
                ErrorCode.NOT_LOGGED_IN,
                _("%(reason)s: reload the page") % {"reason": self.scope[KEY_REFUSED]},
            )
            return
        self.login = Login(self.scope, now)
        self.user = self.login.user
        if self.user is None and not get_config()["ALLOW_ANONYMOUS"]:
            await self.refuse(CloseCode.NOT_LOGGED_IN, ErrorCode.NOT_LOGGED_IN, _("log in to chat"))
            return
        timeout = get_config()["START_TIMEOUT_SECONDS"]
        self.start_timer = asyncio.get_running_loop().call_later(
            timeout, lambda: asyncio.ensure_future(self.start_timed_out())
        )

    async def start_timed_out(self) -> None:
        if self.chat is None and not self.closed:
            detail = _("no start frame arrived in time")
            await self.refuse(CloseCode.BAD_START, ErrorCode.START_REQUIRED, detail)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """Parses a frame and hands it on; a bad one gets an error frame."""
        if self.closed:
            return
        now = asyncio.get_running_loop().time()
        verdict = self.inbound.take(frame_size(text_data, bytes_data), now)
        if verdict != InboundBudget.ALLOW:
            await self.over_budget(verdict)
            return
        if self.chat is not None and self.login.recheck_due(now):
            if not await self.login.holds():
                await self.chat.revoke()
                return
        try:
            frame = parse_frame(text_data, bytes_data, get_config()["MAX_FRAME_BYTES"])
            if self.chat is None:
                if not isinstance(frame, Start):
                    raise ProtocolError(ErrorCode.START_REQUIRED, "the first frame must be a start frame")
                await self.start(frame)
            else:
                await self.dispatch_frame(self.chat, frame)
        except ProtocolError as error:
            if self.chat is None:
                await self.refuse(CloseCode.BAD_START, error.code, error.detail)
            else:
                await self.send_frame(error.to_frame())
        except Exception:
            # A bug of ours must cost this frame, not the socket or the chat.
            logger.exception("a frame of chat %s could not be handled", getattr(self.chat, "id", None))
            await self.send_frame(
                frames.error(ErrorCode.INTERNAL_ERROR, _("the server could not handle this frame"))
            )

    async def over_budget(self, verdict: int) -> None:
        """Refuses a frame past the inbound budget unread; closes a socket far past it."""
        limit = str(self.inbound)
        if verdict == InboundBudget.REFUSE:
            detail = _("too much sent: at most %(limit)s; frame dropped") % {"limit": limit}
            await self.send_frame(frames.error(ErrorCode.RATE_LIMITED, detail))
            return
        logger.warning(
            "closed a socket of chat %s that sent over twice %s", getattr(self.chat, "id", None), limit
        )
        self.shut_out()
        detail = _("too much sent: at most %(limit)s; closing") % {"limit": limit}
        await self.refuse(CloseCode.TOO_MUCH, ErrorCode.RATE_LIMITED, detail)

    async def dispatch_frame(self, chat: LiveChat, frame: Frame) -> None:
        """Hands a frame of a started chat to its inbox's method of the frame's type."""
        serve: Callable[[Frame], Awaitable[None]] = getattr(chat.inbox, frame.type)
        await serve(frame)

    async def start(self, frame: Start) -> None:
        """Starts a new chat or resumes one, then sends the session frame."""
        self.start_timer.cancel()
        try:
            opened = await open_chat(frame, self.app_name, self.app, self.user, self.send_frame)
        except Refusal as refusal:
            await self.refuse(refusal.close_code, refusal.error_code, refusal.detail)
            return
        self.chat = chat = opened.chat
        chat.transcript.client_type, chat.transcript.page = frame.client, frame.page
        await chat.attach(self)
        session = await session_frame(opened, self.send_frame)
        await self.send_frame(session)
        if chat.app.handler("on_chat_resume" if opened.resumed else "on_chat_start") is not None:
            self.outbox.hold()  # the session frame leaves with that handler's frames, if it is quick
        await chat.start_handlers(opened.resumed, session["history"])

    async def disconnect(self, code: int) -> None:
        """Stops waiting for a start frame; __call__ then detaches the chat, which waits
        for a resume: a dropped socket is not the end of a chat."""
        self.closed = True
        if hasattr(self, "start_timer"):
            self.start_timer.cancel()

    # -- Socket, as LiveChat sees it ------------------------------------------------------

    async def send_frame(self, frame: dict[str, Any]) -> None:
        """Queues one frame in the outbox, which sends it with the others of this turn."""
        if not self.closed:
            await self.outbox.put(frame)

    async def write(self, text: str) -> None:
        """Sends one WebSocket message; closes a socket whose client does not read."""
        if self.closed:
            return
        if self.transport is not None and self.transport.unsent_bytes() > get_config()["MAX_UNSENT_BYTES"]:
            logger.warning(
                "closed a socket of chat %s: its client does not read (over %d bytes unsent)",
                getattr(self.chat, "id", None),
                get_config()["MAX_UNSENT_BYTES"],
            )
            self.shut_out()
            await self.close_now(CloseCode.TOO_MUCH)
            return
        try:
            await self.send(text_data=text)
        except OSError:  # uvicorn's ClientDisconnected: the client left first, as clients may
            self.closed = True

    async def close_socket(self, code: int) -> None:
        """Sends the frames queued so far (an error frame that says why, say), then closes
        the socket with code; the chat forgets it."""
        await self.outbox.flush()
        await self.close_now(code)

    async def close_now(self, code: int) -> None:
        if not self.closed:
            self.closed = True
            try:
                await self.close(int(code))  # autobahn refuses int subclasses such as CloseCode
            except OSError:  # uvicorn's ClientDisconnected: the client left first, as clients may
                pass
            if self.transport is not None and self.transport.shut:
                self.transport.stop_reading()  # again: uvicorn reads on for the close's reply

    def shut_out(self) -> None:
        """Stops reading a client that takes too much, closed with 4429 (see
        ServerTransport.shut_out)."""
        if self.transport is not None and not self.closed:
            self.transport.shut_out(SHUT_OUT_GRACE_SECONDS)

    async def login_holds(self, logged_out_session: str | None = None) -> bool:
        """Tells whether the socket's login still holds (see access.Login)."""
        return await self.login.holds(logged_out_session)

    async def refuse(self, code: CloseCode, error_code: ErrorCode, detail: str) -> None:
        await self.send_frame(frames.error(error_code, detail))
        await self.close_socket(code)
