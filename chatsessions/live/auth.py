"""The socket's login: Channels' auth middleware, made to survive a database outage."""

from __future__ import annotations

from typing import Any

from channels.auth import AuthMiddleware
from channels.sessions import CookieMiddleware, SessionMiddleware
from django.contrib.auth.models import AnonymousUser

#: Set in the scope when the login could not be read; the consumer then closes 4503.
UNAVAILABLE = "chatsessions.login_unavailable"


class ChatAuthMiddleware(AuthMiddleware):
    """Channels' AuthMiddleware, except that a login the database cannot read now makes
    the socket anonymous and marked, rather than failing the handshake with HTTP 500:
    the client gets close code 4503 and knows to retry."""

    async def resolve_scope(self, scope: dict[str, Any]) -> None:
        try:
            await super().resolve_scope(scope)
        except Exception:
            scope["user"]._wrapped = AnonymousUser()
            scope[UNAVAILABLE] = True


def ChatAuthMiddlewareStack(inner: Any) -> Any:  # named like Channels' AuthMiddlewareStack
    """Cookies, the Django session and the login, for chatsessions' socket routes."""
    return CookieMiddleware(SessionMiddleware(ChatAuthMiddleware(inner)))
