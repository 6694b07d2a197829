"""The socket's login: Channels' auth middleware, made to survive a database outage, and
to take an embedded chat's frame key (accounts/embed.py) in place of the cookie."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from channels.auth import AuthMiddleware
from channels.db import database_sync_to_async
from channels.sessions import CookieMiddleware, SessionMiddleware
from django.contrib.auth.models import AnonymousUser

from ..accounts.embed import EmbedRefused, key_in_subprotocols, login_of_key
from ..models import UserMetadata

#: Set in the scope when the login could not be read; the consumer then closes 4503.
UNAVAILABLE = "chatsessions.login_unavailable"
#: Set in the scope to the Embedded login of a socket that offered a valid frame key.
EMBEDDED = "chatsessions.embedded"
#: Set in the scope to why a frame key logs nobody in; the consumer then closes 4401.
KEY_REFUSED = "chatsessions.key_refused"


class ChatAuthMiddleware(AuthMiddleware):
    """Channels' AuthMiddleware, except that a login the database cannot read now makes
    the socket anonymous and marked, rather than failing the handshake with HTTP 500:
    the client gets close code 4503 and knows to retry."""

    async def resolve_scope(self, scope: dict[str, Any]) -> None:
        key = key_in_subprotocols(scope.get("subprotocols"))
        if key is not None:
            await self.resolve_key(scope, key)
            return
        try:
            await super().resolve_scope(scope)
        except Exception:
            scope["user"]._wrapped = AnonymousUser()
            scope[UNAVAILABLE] = True

    async def resolve_key(self, scope: dict[str, Any], key: str) -> None:
        """An embedded chat's socket: its frame key alone says who it is; a cookie it
        may carry (a page of the same site framing it) is not read."""
        scope["user"]._wrapped = AnonymousUser()
        try:
            embedded = await database_sync_to_async(_embedded)(key)
        except EmbedRefused as refused:
            scope[KEY_REFUSED] = str(refused)
        except Exception:
            scope[UNAVAILABLE] = True
        else:
            scope["user"]._wrapped = embedded.user
            scope[EMBEDDED] = embedded


@dataclass(frozen=True)
class Embedded:
    """An embedded chat's login: its user, its host pages' origin, and what was said of
    the user (as a login's session keeps it, see handler_api/users.py)."""

    user: Any
    origin: str
    said: dict[str, Any] | None


def _embedded(key: str) -> Embedded:
    login = login_of_key(key)
    row = UserMetadata.objects.filter(user=login.user).first()
    said = None if row is None else {"display_name": row.display_name, "metadata": row.metadata}
    return Embedded(login.user, login.origin, said)


def ChatAuthMiddlewareStack(inner: Any) -> Any:  # named like Channels' AuthMiddlewareStack
    """Cookies, the Django session and the login, for chatsessions' socket routes."""
    return CookieMiddleware(SessionMiddleware(ChatAuthMiddleware(inner)))
