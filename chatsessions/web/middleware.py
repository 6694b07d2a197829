"""HTTP middleware: a database outage answers 503 with a clear page (JSON for the JSON
endpoints), not a bare 500."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger("chatsessions")

UNAVAILABLE_PAGE = (
    "<!doctype html><title>Service unavailable</title><h1>Service unavailable</h1>"
    "<p>The database cannot be reached just now. Try again in a moment.</p>"
)


#: The view attribute that answers_json sets.
_ANSWERS_JSON = "chatsessions_answers_json"

View = TypeVar("View", bound=Callable[..., Any])


def answers_json(view: View) -> View:
    """Marks a view whose every answer is JSON, errors included: its database outage is a
    JSON 503 too. Put it above the view's other decorators."""
    setattr(view, _ANSWERS_JSON, True)
    return view


class DatabaseUnavailableMiddleware:
    """Turns a view's database connection error (the admin's, the chat page's) into a 503
    with Retry-After; any other exception goes on to Django's usual handling."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.warning("%s %s: the database cannot be reached (%s)", request.method, request.path, exception)
        headers = {"Retry-After": "5"}
        match = request.resolver_match
        if match is not None and getattr(match.func, _ANSWERS_JSON, False):
            detail = "the database cannot be reached just now; try again in a moment"
            return JsonResponse({"error": "unavailable", "detail": detail}, status=503, headers=headers)
        return HttpResponse(UNAVAILABLE_PAGE, status=503, headers=headers)
