"""Request bodies: each HTTP path's limit, refused with 413 before the body is read.

`RequestBodyLimit` wraps the project's HTTP application in asgi.py. A body whose
Content-Length is over its path's limit is answered 413 before a byte of it is read; a
chunked one is read up to the limit, then answered the same way. A chunked body within
its limit reaches Django with a Content-Length, which Django's multipart parser needs.
daphne reads a whole body before it calls the application, so under daphne the same
limits are also applied as the bytes arrive (daphne_limits.py).

A path's limit is MAX_REQUEST_BYTES, unless its view declares its own with
`max_body_bytes` (the upload endpoint takes a message's files).
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from typing import Any, TypeVar

from django.urls import Resolver404, resolve

from ..conf import get_config
from .errors import HttpError, asgi_answer

logger = logging.getLogger("chatsessions")

#: The view attribute that max_body_bytes sets.
LIMIT_ATTRIBUTE = "chatsessions_max_body_bytes"
#: A chunked body is kept in memory up to this size while it is read, on disk past it.
_SPOOL_BYTES = 1024 * 1024
_READ_BYTES = 64 * 1024

View = TypeVar("View", bound=Callable[..., Any])


def max_body_bytes(limit: int | Callable[[], int]) -> Callable[[View], View]:
    """Declares a view's request-body limit in bytes, in place of MAX_REQUEST_BYTES; a
    callable is asked at each request (a limit that follows the settings). Put it above
    the view's other decorators."""

    def declare(view: View) -> View:
        setattr(view, LIMIT_ATTRIBUTE, limit)
        return view

    return declare


def limit_for(path: str) -> int:
    """The body limit of a request to path (without the script prefix)."""
    try:
        declared = getattr(resolve(path).func, LIMIT_ATTRIBUTE, None)
    except Resolver404:
        declared = None
    if declared is None:
        return int(get_config()["MAX_REQUEST_BYTES"])
    return int(declared() if callable(declared) else declared)


def refusal(limit: int) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """The 413 answer: status, headers and a JSON body in errors.py's one shape."""
    return asgi_answer(HttpError.REQUEST_TOO_LARGE, f"request bodies here are limited to {limit} bytes")


def _header(scope: dict[str, Any], name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None


class RequestBodyLimit:
    """ASGI middleware over the project's HTTP application: bounds every request body."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        root = scope.get("root_path", "")
        limit = limit_for(path[len(root) :] if root and path.startswith(root) else path)
        declared = _header(scope, b"content-length")
        if declared is not None:
            if declared.isdigit() and int(declared) > limit:
                await self._refuse(scope, send, limit)
                return
            await self.app(scope, receive, send)
            return
        if (_header(scope, b"transfer-encoding") or b"").lower() != b"chunked":
            await self.app(scope, receive, send)  # no body
            return
        await self._chunked(scope, receive, send, limit)

    async def _chunked(self, scope: dict[str, Any], receive: Any, send: Any, limit: int) -> None:
        """Reads a chunked body up to limit, then passes it on with its Content-Length."""
        body = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                body.close()
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                body.close()
                await self._refuse(scope, send, limit)
                return
            body.write(chunk)
            more = message.get("more_body", False)
        body.seek(0)
        headers = [(key, value) for key, value in scope["headers"] if key != b"transfer-encoding"]
        headers.append((b"content-length", str(size).encode()))

        async def replay() -> dict[str, Any]:
            if body.closed:  # all of it given: what comes next is the server's (a disconnect)
                return dict(await receive())
            chunk = body.read(_READ_BYTES)
            more_body = body.tell() < size
            if not more_body:
                body.close()
            return {"type": "http.request", "body": chunk, "more_body": more_body}

        try:
            await self.app({**scope, "headers": headers}, replay, send)
        finally:
            body.close()

    async def _refuse(self, scope: dict[str, Any], send: Any, limit: int) -> None:
        logger.warning("%s %s: refused a request body over %d bytes", scope["method"], scope["path"], limit)
        status, headers, body = refusal(limit)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
