"""The HTTP side of embedding the chat in other sites' pages (accounts/embed.py): the
endpoint another site's backend asks for embed tokens, and the one the embedded chat's
frame trades a token at for its login. Both take and answer JSON; every refusal is in
errors.py's shape and says what is wrong."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt

from ..accounts.embed import (
    EmbedRefused,
    allowed_origins,
    embed_token,
    frame_key,
    login_of_token,
    normalized_origin,
    user_named,
)
from ..conf import get_config
from ..wire.protocol import ProtocolError, load_json
from .bodies import max_body_bytes
from .errors import HttpError, Problem, answers_json
from .guards import require_method

logger = logging.getLogger("chatsessions")

#: Both bodies are a few short fields.
_BODY_BYTES = 16 * 1024


def _json_body(request: HttpRequest, shape: str) -> dict[str, Any]:
    try:
        body = load_json(request.body.decode())
    except (UnicodeDecodeError, ProtocolError):
        body = None
    if not isinstance(body, dict):
        raise Problem(HttpError.INVALID_PARAMETER, f"the body must be a JSON object: {shape}")
    return body


def _allowed_origin(origin: Any) -> str:
    shown = normalized_origin(origin)
    if shown is None:
        raise Problem(HttpError.INVALID_PARAMETER, "origin: the page's origin, scheme://host[:port]")
    if shown not in allowed_origins():
        logger.warning("refused an embed token for %s: not in EMBED_ORIGINS", shown)
        raise Problem(
            HttpError.ORIGIN_NOT_ALLOWED,
            f"{shown} may not embed the chat: add it to CHATSESSIONS['EMBED_ORIGINS']",
        )
    return shown


@max_body_bytes(_BODY_BYTES)
@answers_json
@csrf_exempt  # a server's request, with a key: no cookie, no CSRF
def token(request: HttpRequest) -> HttpResponse:
    """POST {"user": identifier, "origin": page origin, "display_name"?, "metadata"?} with
    `Authorization: Bearer <EMBED_KEY>`: answers 201 {"token", "expires_in"}. The user is
    the Django user whose username is the identifier, made on first use (as a Chainlit
    auth callback's cl.User); a staff user is refused."""
    require_method(request, "POST")
    key = get_config()["EMBED_KEY"]
    if not key:
        raise Problem(HttpError.NOT_FOUND, "embed tokens are not given over HTTP here: EMBED_KEY is not set")
    sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not constant_time_compare(sent, key):
        logger.warning("refused an embed token request with a wrong or missing EMBED_KEY")
        raise Problem(HttpError.NOT_LOGGED_IN, "send `Authorization: Bearer <EMBED_KEY>`")
    body = _json_body(request, '{"user": "...", "origin": "https://..."}')
    origin = _allowed_origin(body.get("origin"))
    identifier, display_name, metadata = body.get("user"), body.get("display_name"), body.get("metadata")
    if not isinstance(identifier, str) or not identifier.strip():
        raise Problem(HttpError.INVALID_PARAMETER, "user: the identifier (username) of the host's user")
    if display_name is not None and not isinstance(display_name, str):
        raise Problem(HttpError.INVALID_PARAMETER, "display_name: a string")
    if metadata is not None and not isinstance(metadata, dict):
        raise Problem(HttpError.INVALID_PARAMETER, "metadata: a JSON object")
    user = user_named(identifier, (display_name or "")[:200] or None, metadata or {})
    if user is None or not user.is_active:
        raise Problem(HttpError.LOGIN_REFUSED, f"{identifier!r} may not be logged in by an embed token")
    seconds = get_config()["EMBED_TOKEN_SECONDS"]
    return JsonResponse({"token": embed_token(user, origin), "expires_in": seconds}, status=201)


@max_body_bytes(_BODY_BYTES)
@answers_json
@csrf_exempt  # the token is the proof; no cookie is read
def login(request: HttpRequest) -> HttpResponse:
    """POST {"token", "origin"} from the embedded chat's frame (origin: its host page's):
    answers 200 {"key", "user", "expires_in"}, the key the frame sends from then on."""
    require_method(request, "POST")
    body = _json_body(request, '{"token": "...", "origin": "https://..."}')
    origin = _allowed_origin(body.get("origin"))
    try:
        found = login_of_token(body.get("token"), origin)
    except EmbedRefused as refused:
        logger.warning("refused an embed login for %s: %s", origin, refused)
        raise Problem(HttpError.NOT_LOGGED_IN, str(refused)) from None
    return JsonResponse(
        {
            "key": frame_key(found),
            "user": found.user.get_username(),
            "expires_in": settings.SESSION_COOKIE_AGE,
        }
    )
