"""Logins for a chat embedded in another site's pages, with no third-party cookie.

A browser sends no cookie of the chat's site to its frame on another site's page, so the
frame cannot use the user's Django session there. Instead:

1. The other site's backend, which knows its user, asks for an embed token: in Python
   with embed_token(), or over HTTP (web/embed_views.py) with EMBED_KEY. A token names
   the user and the origin of the page it is for, and lives EMBED_TOKEN_SECONDS.
2. The widget on that page hands the token to the chat's frame by postMessage, and the
   frame trades it (login_of_token) for a frame key, bound to the same user and origin,
   that lives SESSION_COOKIE_AGE, as a session would.
3. The frame keeps the key in memory only, and sends it with every request: in the
   socket's subprotocols, and as a bearer token to the history and file endpoints.

Both are signed with SECRET_KEY (a salt each, so neither passes for the other) and carry
the user's session auth hash: a password change voids them, as it logs out sessions.
Only an origin in EMBED_ORIGINS gets a token; staff users never do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.utils.crypto import constant_time_compare

from ..conf import get_config
from ..handler_api.users import User
from .callbacks import user_of

#: What the frame offers as its socket's subprotocol, and the server accepts.
SUBPROTOCOL = "chatsessions"
#: The subprotocol that carries the frame key: this, then the key.
KEY_SUBPROTOCOL_PREFIX = "chatsessions.key."

_TOKEN_SALT = "chatsessions.embed.token"
_KEY_SALT = "chatsessions.embed.key"
_DEFAULT_PORTS = {"http": 80, "https": 443}


class EmbedRefused(Exception):
    """A token or key that logs nobody in, and why (in words for the page's user)."""


def normalized_origin(origin: Any) -> str | None:
    """origin as browsers send it (scheme://host[:port], lower case, no default port),
    or None if it is not an http(s) origin with nothing after the port."""
    if not isinstance(origin, str) or len(origin) > 300:
        return None
    try:
        parts = urlsplit(origin.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname or parts.path not in ("", "/"):
        return None
    if parts.query or parts.fragment or parts.username or parts.password:
        return None
    shown_port = "" if port is None or port == _DEFAULT_PORTS[parts.scheme] else f":{port}"
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme}://{host}{shown_port}"


def allowed_origins() -> list[str]:
    """EMBED_ORIGINS, normalized (checks.py flags one that is not an origin)."""
    listed = get_config()["EMBED_ORIGINS"]
    found = (normalized_origin(origin) for origin in ([listed] if isinstance(listed, str) else listed))
    return [origin for origin in found if origin is not None]


def origin_allowed(origin: Any) -> bool:
    """Tells whether pages of origin may embed the chat: scheme, host and port all match
    one of EMBED_ORIGINS."""
    shown = normalized_origin(origin)
    return shown is not None and shown in allowed_origins()


def _refuse_origin(origin: Any) -> str:
    shown = normalized_origin(origin)
    if shown is None:
        raise ValueError(f"{origin!r} is not an origin (scheme://host[:port])")
    if shown not in allowed_origins():
        raise ValueError(f"{shown} may not embed the chat: it is not in CHATSESSIONS['EMBED_ORIGINS']")
    return shown


@dataclass(frozen=True)
class EmbedLogin:
    """Who a valid token or key logs in, for pages of which origin."""

    user: Any
    origin: str


def embed_token(user: Any, origin: str) -> str:
    """A token that logs user into the chat embedded in pages of origin, for
    EMBED_TOKEN_SECONDS. Raises ValueError for an origin not in EMBED_ORIGINS, or a user
    who is inactive, staff or not saved."""
    shown = _refuse_origin(origin)
    if user is None or user.pk is None or not user.is_active:
        raise ValueError("an embed token is only for an active, saved user")
    if user.is_staff or user.is_superuser:
        raise ValueError("staff users log in with their own password, never by an embed token")
    signer = signing.TimestampSigner(salt=_TOKEN_SALT, sep=".")
    return signer.sign_object({"u": str(user.pk), "o": shown, "h": user.get_session_auth_hash()})


def user_named(identifier: str, display_name: str | None, metadata: dict[str, Any]) -> Any:
    """The Django user a host's backend names for a token, made on first use with what it
    said of them, as for an auth callback's cl.User; None for a staff user or a name
    that cannot be one (logged)."""
    return user_of(User(identifier, display_name, metadata), "EMBED_KEY", "embed_token")


def frame_key(login: EmbedLogin) -> str:
    """The key the chat's frame keeps for login: what the socket and the endpoints take."""
    signer = signing.TimestampSigner(salt=_KEY_SALT, sep=".")
    return signer.sign_object(
        {"u": str(login.user.pk), "o": login.origin, "h": login.user.get_session_auth_hash()}
    )


def _login_of(signed: Any, salt: str, max_age: float, what: str) -> EmbedLogin:
    if not isinstance(signed, str) or not signed or len(signed) > 1000:
        raise EmbedRefused(f"the {what} is missing or malformed")
    try:
        said = signing.TimestampSigner(salt=salt, sep=".").unsign_object(signed, max_age=max_age)
    except signing.SignatureExpired:
        raise EmbedRefused(f"the {what} has expired") from None
    except (signing.BadSignature, ValueError):
        raise EmbedRefused(f"the {what} is not valid (forged, or signed by another site)") from None
    if not isinstance(said, dict) or not all(isinstance(said.get(name), str) for name in "uoh"):
        raise EmbedRefused(f"the {what} is not valid (forged, or signed by another site)")
    if not origin_allowed(said["o"]):
        raise EmbedRefused(f"{said['o']} may no longer embed the chat")
    user = get_user_model()._default_manager.filter(pk=said["u"]).first()
    if (
        user is None
        or not user.is_active
        or user.is_staff
        or user.is_superuser
        or not constant_time_compare(user.get_session_auth_hash(), said["h"])
    ):
        raise EmbedRefused(f"the {what}'s user may not log in now")
    return EmbedLogin(user, said["o"])


def login_of_token(token: Any, origin: Any) -> EmbedLogin:
    """Who token logs in, if it is valid now and for origin (the page that hands it on);
    raises EmbedRefused otherwise. Reads the database."""
    login = _login_of(token, _TOKEN_SALT, float(get_config()["EMBED_TOKEN_SECONDS"]), "embed token")
    if normalized_origin(origin) != login.origin:
        raise EmbedRefused(f"the embed token is for pages of {login.origin}, not of {origin}")
    return login


def login_of_key(key: Any) -> EmbedLogin:
    """Who a frame key logs in, if it is valid now; raises EmbedRefused otherwise."""
    return _login_of(key, _KEY_SALT, float(settings.SESSION_COOKIE_AGE), "embed login")


def key_in_subprotocols(subprotocols: Any) -> str | None:
    """The frame key a socket offers among its subprotocols, if any."""
    for offered in subprotocols or ():
        if isinstance(offered, str) and offered.startswith(KEY_SUBPROTOCOL_PREFIX):
            return offered.removeprefix(KEY_SUBPROTOCOL_PREFIX)
    return None
