"""The JSON endpoints of a user's chat history, for the chat page and any other client.

Session-authenticated (401 without a login), CSRF-protected for changes, and only ever
the user's own chats of the named app: any other id answers 404, as an unknown one does
(guards.py). Every refusal is JSON in errors.py's one shape, Django's CSRF refusal too.
"""

from __future__ import annotations

import functools
import logging
import zoneinfo
from collections.abc import Callable
from datetime import tzinfo
from typing import Any
from uuid import UUID

from asgiref.sync import async_to_sync
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from ..live import control, replay
from ..storage import history
from ..wire.protocol import ProtocolError, load_json
from .errors import HttpError, Problem, answers_json
from .guards import (
    accept_frame_key,
    not_found,
    require_app,
    require_csrf_token,
    require_login,
    require_method,
    require_own_chat,
)

logger = logging.getLogger("chatsessions")

View = Callable[..., HttpResponse]


def _endpoint(*methods: str) -> Callable[[View], View]:
    """Takes methods only, with the CSRF token for a change, from a logged-in user, for
    an app in APPS (guards.py); every refusal, and the view's own, answers in JSON."""

    def guarded(view: View) -> View:
        @functools.wraps(view)
        def checked(request: HttpRequest, app: str, **kwargs: Any) -> HttpResponse:
            require_method(request, *methods)
            accept_frame_key(request)
            require_csrf_token(request)
            require_login(request, _("log in to see your chats"))
            require_app(app)
            return view(request, app, **kwargs)

        return answers_json(csrf_exempt(checked))

    return guarded


def _number(request: HttpRequest, name: str, default: int | None, at_most: int) -> int | None:
    text = request.GET.get(name)
    if text is None or text == "":
        return default
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= at_most:
        raise Problem(HttpError.INVALID_PARAMETER, f"{name}: a whole number from 1 to {at_most}")
    return int(text)


def _zone(request: HttpRequest) -> tzinfo:
    name = request.GET.get("tz")
    if not name:
        return timezone.get_current_timezone()
    try:
        return zoneinfo.ZoneInfo(name)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        raise Problem(HttpError.INVALID_PARAMETER, "tz: not a time zone name (like Europe/Paris)") from None


@_endpoint("GET")
def chat_list(request: HttpRequest, app: str) -> HttpResponse:
    """GET: a page of the user's chats, newest activity first. Parameters: q (search in
    titles and messages), cursor (the previous page's next), limit, tz (for the day
    groups)."""
    cursor = request.GET.get("cursor")
    limit = _number(request, "limit", history.CHATS_PER_PAGE, history.MAX_CHATS_PER_PAGE)
    assert limit is not None
    page = history.chat_list(
        request.user,
        app,
        text=request.GET.get("q", ""),
        after=history.Cursor.parse(cursor) if cursor else None,
        limit=limit,
        zone=_zone(request),
    )
    return JsonResponse(page)


@_endpoint("GET", "PATCH", "DELETE")
def chat_detail(request: HttpRequest, app: str, session_id: UUID) -> HttpResponse:
    """GET: one chat. PATCH {"title": ...}: renames it. DELETE: deletes it and its
    messages; a live chat ends first."""
    if request.method == "PATCH":
        title = history.fold_title(_title_of(request))
        if not history.rename(request.user, app, session_id, title):
            raise not_found()
        _tell_live_chat(control.aretitle, session_id, title)
    elif request.method == "DELETE":
        if not history.delete(request.user, app, session_id):
            raise not_found()
        # Its socket closes with 4000; its last writes find no row and are dropped.
        _tell_live_chat(control.aend_chat, session_id)
        return HttpResponse(status=204)
    summary = history.find_chat(request.user, app, session_id)
    if summary is None:
        raise not_found()
    now = timezone.now()
    zone = _zone(request)
    return JsonResponse(history.chat_summary(summary, now.astimezone(zone).date(), zone))


def _title_of(request: HttpRequest) -> str:
    try:
        body = load_json(request.body.decode())
    except RequestDataTooBig:
        raise Problem(HttpError.INVALID_PARAMETER, "the body is too large") from None
    except UnicodeDecodeError:
        raise Problem(HttpError.INVALID_PARAMETER, 'the body must be JSON: {"title": "..."}') from None
    except ProtocolError as error:
        raise Problem(
            HttpError.INVALID_PARAMETER, f'the body must be JSON: {{"title": "..."}} ({error.detail})'
        ) from None
    title = body.get("title") if isinstance(body, dict) else None
    if not isinstance(title, str) or not history.fold_title(title):
        raise Problem(
            HttpError.INVALID_PARAMETER, _("title: a string with something in it besides white space")
        )
    return title


def _tell_live_chat(send: Callable[..., Any], session_id: UUID, *args: Any) -> None:
    """Tells the chat's process, if it is live somewhere; the change stands either way."""
    try:
        async_to_sync(send)(session_id, *args)
    except Exception:
        logger.warning("chat %s: changed, but its live process could not be told", session_id, exc_info=True)


@_endpoint("GET")
def chat_messages(request: HttpRequest, app: str, session_id: UUID) -> HttpResponse:
    """GET: a page of a chat's messages, oldest first. Parameters: before (the cursor the
    session frame's history_before or the previous page gave; the latest page without
    it), limit."""
    require_own_chat(request, app, session_id)
    before = _number(request, "before", None, 2**31 - 1)
    limit = _number(request, "limit", history.MESSAGES_PER_PAGE, history.MAX_MESSAGES_PER_PAGE)
    assert limit is not None
    shown, older = replay.page(session_id, before, limit, request.user)
    return JsonResponse({"messages": shown, "before": older})
