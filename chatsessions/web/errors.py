"""The HTTP side's errors: one JSON shape, {"error": code, "detail": text}, and one status
per refusal, wherever it is refused (the history API, uploads, body limits, an outage).

A view raises Problem(HttpError.X, detail), or storage raises one of its own refusals
(files.Refused with a code named here, history.BadRequest); the view's answers_json
decorator turns each into the answer.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from enum import StrEnum
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse, JsonResponse

from ..storage.files import Refused
from ..storage.history import BadRequest


class HttpError(StrEnum):
    """The code of a JSON error answer; each has one HTTP status."""

    INVALID_PARAMETER = "invalid_parameter"
    INVALID_UPLOAD = "invalid_upload"
    INVALID_FILE_NAME = "invalid_file_name"
    NO_FILES = "no_files"
    TOO_MANY_FILES = "too_many_files"
    NOT_LOGGED_IN = "not_logged_in"
    CSRF_FAILED = "csrf_failed"
    ORIGIN_NOT_ALLOWED = "origin_not_allowed"
    LOGIN_REFUSED = "login_refused"
    UNKNOWN_APP = "unknown_app"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    REQUEST_TOO_LARGE = "request_too_large"
    FILE_TOO_LARGE = "file_too_large"
    MESSAGE_TOO_LARGE = "message_too_large"
    QUOTA_EXCEEDED = "quota_exceeded"
    WRONG_TYPE = "wrong_type"
    TYPE_NOT_ACCEPTED = "type_not_accepted"
    UNAVAILABLE = "unavailable"

    @property
    def status(self) -> int:
        return _STATUS[self]


_STATUS = {
    HttpError.INVALID_PARAMETER: 400,
    HttpError.INVALID_UPLOAD: 400,
    HttpError.INVALID_FILE_NAME: 400,
    HttpError.NO_FILES: 400,
    HttpError.TOO_MANY_FILES: 400,
    HttpError.NOT_LOGGED_IN: 401,
    HttpError.CSRF_FAILED: 403,
    HttpError.ORIGIN_NOT_ALLOWED: 403,
    HttpError.LOGIN_REFUSED: 403,
    HttpError.UNKNOWN_APP: 404,
    HttpError.NOT_FOUND: 404,
    HttpError.METHOD_NOT_ALLOWED: 405,
    HttpError.REQUEST_TOO_LARGE: 413,
    HttpError.FILE_TOO_LARGE: 413,
    HttpError.MESSAGE_TOO_LARGE: 413,
    HttpError.QUOTA_EXCEEDED: 413,
    HttpError.WRONG_TYPE: 415,
    HttpError.TYPE_NOT_ACCEPTED: 415,
    HttpError.UNAVAILABLE: 503,
}


class Problem(Exception):
    """A request refused: its code (which gives the status) and what is wrong."""

    def __init__(self, code: HttpError, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.headers = headers


def body(code: HttpError, detail: str) -> dict[str, str]:
    """The one shape of every JSON error answer."""
    return {"error": str(code), "detail": detail}


def answer(code: HttpError, detail: str, headers: dict[str, str] | None = None) -> JsonResponse:
    """The JSON answer to a refusal, with its code's status."""
    return JsonResponse(body(code, detail), status=code.status, headers=headers)


def asgi_answer(code: HttpError, detail: str) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """The same answer for an ASGI middleware (status, headers, body); the connection closes."""
    content = json.dumps(body(code, detail)).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(content)).encode()),
        (b"connection", b"close"),
    ]
    return code.status, headers, content


#: The view attribute that answers_json sets (middleware.py reads it for an outage).
ANSWERS_JSON = "chatsessions_answers_json"

View = TypeVar("View", bound=Callable[..., Any])


def answers_json(view: View) -> View:
    """Marks a view whose every answer is JSON, errors included: a Problem it raises, a
    refusal of storage's, and a database outage (a JSON 503, see middleware.py) become
    JSON answers. Put it above the view's other decorators."""

    @functools.wraps(view)
    def answering(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Problem as problem:
            return answer(problem.code, problem.detail, problem.headers)
        except Refused as refused:
            return answer(HttpError(refused.code), refused.detail)
        except BadRequest as error:  # a parameter of the history's the query cannot take
            return answer(HttpError.INVALID_PARAMETER, str(error))

    setattr(answering, ANSWERS_JSON, True)
    return answering  # type: ignore[return-value]
