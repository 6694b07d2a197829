"""The language a socket's chat speaks to its user: the one Django would pick for the
page's own requests. With LocaleMiddleware in MIDDLEWARE, the language cookie, then the
browser's Accept-Language, among LANGUAGES; without it, LANGUAGE_CODE. The consumer
activates it for its task, so that the error frames it sends (and the handlers it runs,
which inherit the task's context) speak it."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.utils import translation

LOCALE_MIDDLEWARE = "django.middleware.locale.LocaleMiddleware"


def language_of(scope: dict[str, Any]) -> str:
    if LOCALE_MIDDLEWARE not in settings.MIDDLEWARE:
        return settings.LANGUAGE_CODE
    headers = dict(scope.get("headers") or ())
    accept = headers.get(b"accept-language", b"").decode("latin-1")
    # What get_language_from_request reads of a request: its cookies and that header.
    request = SimpleNamespace(COOKIES=scope.get("cookies") or {}, META={"HTTP_ACCEPT_LANGUAGE": accept})
    return translation.get_language_from_request(request)  # type: ignore[arg-type]
