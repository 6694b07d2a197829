"""Who may reach a chat over HTTP: a logged-in user, on an app in APPS, and only their own
chats; anyone else's chat answers 404, as an unknown one does. Each check raises
errors.Problem, the same refusal with the same status on every endpoint."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ..conf import get_config
from ..storage import history
from .errors import HttpError, Problem


def require_login(request: HttpRequest, to: str) -> None:
    """Refuses (401) a request without a login; to says what a login would allow."""
    if not request.user.is_authenticated:
        raise Problem(HttpError.NOT_LOGGED_IN, f"log in to {to}")


def require_app(app: str) -> None:
    """Refuses (404) a chat app not in APPS."""
    if app not in get_config()["APPS"]:
        raise Problem(HttpError.UNKNOWN_APP, f"no chat app named {app!r}")


def not_found() -> Problem:
    """The refusal of a chat that is not the user's, or not there at all."""
    return Problem(HttpError.NOT_FOUND, "no such chat of yours")


def require_own_chat(request: HttpRequest, app: str, session_id: Any) -> None:
    """Refuses (404) a chat that is not the user's on app."""
    if not history.own_chats(request.user, app).filter(pk=session_id).exists():
        raise not_found()
