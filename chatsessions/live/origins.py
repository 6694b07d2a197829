"""The chat socket's Origin check: a browser opens a chat only from the site's own pages.

Channels' AllowedHostsOriginValidator compares hosts only, so a page of another app on
the same host (another port) could open a chat with the user's cookie. A socket's Origin
is compared here as Django's CSRF check compares a form's: scheme, host and port must be
the request's own (its Host header, and https where the socket is secure or
SECURE_PROXY_SSL_HEADER says so), or one of CSRF_TRUSTED_ORIGINS. A client with no
Origin header is no browser, so no page can lend it a user's cookie: it passes.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.http import is_same_domain

logger = logging.getLogger("chatsessions")


def _headers(scope: dict[str, Any]) -> dict[bytes, bytes]:
    return {bytes(key): bytes(value) for key, value in scope.get("headers", [])}


def own_origin(scope: dict[str, Any]) -> str:
    """The origin of the site as this socket's request reached it."""
    headers = _headers(scope)
    secure = scope.get("scheme") in ("wss", "https")
    proxy_header = settings.SECURE_PROXY_SSL_HEADER
    if proxy_header:
        name, value = proxy_header
        sent = headers.get(name.removeprefix("HTTP_").replace("_", "-").lower().encode())
        if sent is not None:
            secure = sent.decode("latin-1").split(",")[0].strip() == value
    host = headers.get(b"host", b"").decode("latin-1")
    return f"{'https' if secure else 'http'}://{host}"


def _trusted(origin: str, scope: dict[str, Any]) -> bool:
    if origin == own_origin(scope) or origin in settings.CSRF_TRUSTED_ORIGINS:
        return True
    parsed = urlsplit(origin)
    for trusted in settings.CSRF_TRUSTED_ORIGINS:  # "https://*.example.com", as Django reads it
        pattern = urlsplit(trusted)
        if "*" in pattern.netloc and pattern.scheme == parsed.scheme:
            if is_same_domain(parsed.netloc, pattern.netloc.replace("*", "", 1)):
                return True
    return False


def refused_origin(scope: dict[str, Any]) -> bool:
    """Tells whether the chat may not be opened from the socket's Origin; logs why."""
    sent = _headers(scope).get(b"origin")
    if sent is None or _trusted(sent.decode("latin-1"), scope):
        return False
    logger.warning(
        "refused a chat socket from origin %r: not this site's own (%r) nor in CSRF_TRUSTED_ORIGINS",
        sent.decode("latin-1"),
        own_origin(scope),
    )
    return True
