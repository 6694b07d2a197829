"""HTTP middleware: a database outage answers 503 with a clear page (JSON for the JSON
endpoints), not a bare 500."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse

from .errors import ANSWERS_JSON, HttpError, answer

logger = logging.getLogger("chatsessions")

UNAVAILABLE_PAGE = (
    "<!doctype html><title>Service unavailable</title><h1>Service unavailable</h1>"
    "<p>The database cannot be reached just now. Try again in a moment.</p>"
)


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
        if match is not None and getattr(match.func, ANSWERS_JSON, False):
            detail = "the database cannot be reached just now; try again in a moment"
            return answer(HttpError.UNAVAILABLE, detail, headers)
        return HttpResponse(UNAVAILABLE_PAGE, status=503, headers=headers)
