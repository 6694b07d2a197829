"""chatsessions' limits inside daphne, which has no setting for them.

daphne (on Twisted) reads a request's whole body, to a file, before it calls the
application, then hands it over in one go: a 400 MiB body costs the worker 400 MiB of
memory before any view can refuse it. And it puts every WebSocket frame it reads in the
application's queue, without end: a client that sends faster than its consumer reads
grows the worker without bound. `install()` swaps in subclasses of daphne's request and
WebSocket protocol that
- refuse a body over its path's limit (bodies.limit_for) with 413 when its
  Content-Length says so, before reading it, and a chunked one at the limit, then close
  the connection;
- stop reading a socket while its application has QUEUE_HIGH frames unread, and read on
  once it is down to QUEUE_LOW: TCP then holds the client back;
- leave form bodies to Django: Twisted would parse them too.

The app's ready() calls install() when daphne is serving (its server module is loaded).
"""

from __future__ import annotations

import asyncio
import io
import logging
from typing import Any
from urllib.parse import unquote

from ..live.limits import ServerTransport
from . import bodies

logger = logging.getLogger("chatsessions")

#: A socket stops being read while its consumer has this many frames unread, and is read
#: again when they are down to QUEUE_LOW. A frame is at most daphne's
#: --websocket_max_message_size (1 MiB unless set).
QUEUE_HIGH, QUEUE_LOW = 8, 2
#: How often a paused socket looks whether its consumer has caught up.
_DRAIN_CHECK_SECONDS = 0.005


def install() -> None:
    """Puts the limits into daphne's protocols; a second call changes nothing."""
    from daphne import http_protocol, ws_protocol

    if getattr(http_protocol.WebRequest, "chatsessions_limited", False):
        return

    class LimitedRequest(http_protocol.WebRequest):
        """daphne's request, refusing a body over its limit as it arrives."""

        chatsessions_limited = True
        _body_refused = False
        _body_size = 0
        _body_limit = 0
        _body_path = "/"

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            # Twisted would parse a form body itself, which daphne never reads: a copy of
            # an upload in memory, and a bare 400 for a multipart body it cannot parse,
            # before Django (whose endpoints answer in JSON) sees it.
            self._parsePOSTFormSubmission = False

        def gotLength(self, length: int | None) -> None:
            # The request line is read, not yet handed to the request: the channel has it.
            raw = getattr(self.channel, "_path", b"/") or b"/"
            self._body_path = unquote(raw.split(b"?", 1)[0].decode("latin-1"))
            self._body_limit = bodies.limit_for(self._body_path)
            if length is not None and length > self._body_limit:
                self._refuse_body()
                return
            super().gotLength(length)

        def handleContentChunk(self, data: bytes) -> None:
            if self._body_refused:
                return
            self._body_size += len(data)
            if self._body_size > self._body_limit:
                self._refuse_body()
                return
            super().handleContentChunk(data)

        def requestReceived(self, command: bytes, path: bytes, version: bytes) -> None:
            if not self._body_refused:
                super().requestReceived(command, path, version)

        def _refuse_body(self) -> None:
            """Answers 413 and closes the connection, reading nothing more."""
            self._body_refused = True
            self.content = io.BytesIO()  # what Twisted closes with the request
            logger.warning("%s: refused a request body over %d bytes", self._body_path, self._body_limit)
            # No "100 Continue" after the refusal: Twisted sends one for this header.
            self.requestHeaders.removeHeader(b"expect")
            status, headers, body = bodies.refusal(self._body_limit)
            head = b"HTTP/1.1 %d Request Entity Too Large\r\n" % status
            head += b"".join(name + b": " + value + b"\r\n" for name, value in headers)
            transport = self.channel.transport
            transport.write(head + b"\r\n" + body)
            transport.loseConnection()  # stops reading; closes once the answer is out

    class BoundedWebSocketProtocol(ws_protocol.WebSocketProtocol):
        """daphne's WebSocket protocol, reading no faster than its consumer."""

        _reading_paused = False

        def onMessage(self, payload: bytes, isBinary: bool) -> None:
            if getattr(self, ServerTransport.STOPPED, False):
                return  # shut out by its consumer, which reads nothing more of it
            super().onMessage(payload, isBinary)
            queue = getattr(self, "application_queue", None)
            if not self._reading_paused and queue is not None and queue.qsize() >= QUEUE_HIGH:
                self._reading_paused = True
                self.transport.pauseProducing()
                self._resume_when_drained()

        def _resume_when_drained(self) -> None:
            if self.transport is None or not self.transport.connected:
                return
            if getattr(self, ServerTransport.STOPPED, False):
                return
            if self.application_queue.qsize() <= QUEUE_LOW:
                self._reading_paused = False
                self.transport.resumeProducing()
            else:
                # daphne runs Twisted on asyncio's loop, in this thread.
                asyncio.get_running_loop().call_later(_DRAIN_CHECK_SECONDS, self._resume_when_drained)

    http_protocol.WebRequest = LimitedRequest
    ws_protocol.WebSocketFactory.protocol = BoundedWebSocketProtocol
