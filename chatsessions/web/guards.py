"""What a request to a JSON endpoint must be: its method, its CSRF token, a logged-in
user, an app in APPS, and only the user's own chats (anyone else's answers 404, as an
unknown one does). Each check raises errors.Problem: the same refusal, in the same JSON,
with the same status, on every endpoint."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.translation import gettext as _

from ..accounts.embed import EmbedRefused, login_of_key
from ..conf import get_config
from ..storage import history
from .errors import HttpError, Problem


def require_method(request: HttpRequest, *allowed: str) -> None:
    """Refuses (405, with Allow) a method the endpoint does not take."""
    if request.method not in allowed:
        raise Problem(
            HttpError.METHOD_NOT_ALLOWED, f"use {' or '.join(allowed)} here", {"Allow": ", ".join(allowed)}
        )


#: Django's CSRF check, run by the endpoints themselves (they are csrf_exempt), so that
#: its refusal is JSON like the others rather than Django's HTML page.
_csrf = CsrfViewMiddleware(lambda request: HttpResponse())


def _checked_view(request: HttpRequest) -> HttpResponse:  # not csrf_exempt: the check runs
    return HttpResponse()


def require_csrf_token(request: HttpRequest) -> None:
    """Refuses (403) an unsafe request without the CSRF cookie's token in X-CSRFToken (or
    a form field); a safe method passes. A multipart body is read to find the field."""
    if _csrf.process_view(request, _checked_view, (), {}) is not None:
        detail = "the CSRF token is missing or wrong: send the csrftoken cookie's value in X-CSRFToken"
        raise Problem(HttpError.CSRF_FAILED, detail)


def accept_frame_key(request: HttpRequest) -> None:
    """Logs in, for this request alone, the user of the frame key in its Authorization
    header (`Bearer <key>`: an embedded chat's, see accounts/embed.py), in place of any
    cookie's; refuses (401) a key that is expired, forged or for a user who may not log in.
    No page of another site can send that header without the key, so there is no CSRF
    token to check."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return
    try:
        login = login_of_key(header.removeprefix("Bearer ").strip())
    except EmbedRefused as refused:
        raise Problem(
            HttpError.NOT_LOGGED_IN, _("%(reason)s: reload the page") % {"reason": refused}
        ) from None
    request.user = login.user
    request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]  # read by CsrfViewMiddleware


def require_login(request: HttpRequest, detail: str) -> None:
    """Refuses (401) a request without a login; detail says what a login would allow."""
    if not request.user.is_authenticated:
        raise Problem(HttpError.NOT_LOGGED_IN, detail)


def require_app(app: str) -> None:
    """Refuses (404) a chat app not in APPS."""
    if app not in get_config()["APPS"]:
        raise Problem(HttpError.UNKNOWN_APP, _("no chat app named %(name)s") % {"name": repr(app)})


def not_found() -> Problem:
    """The refusal of a chat that is not the user's, or not there at all."""
    return Problem(HttpError.NOT_FOUND, _("no such chat of yours"))


def require_own_chat(request: HttpRequest, app: str, session_id: Any) -> None:
    """Refuses (404) a chat that is not the user's on app."""
    if not history.own_chats(request.user, app).filter(pk=session_id).exists():
        raise not_found()
