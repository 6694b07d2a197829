"""A chat app's @header_auth_callback, the way Django's RemoteUserMiddleware and
RemoteUserBackend work, for a site behind an authenticating proxy: a request that is not
logged in has its headers shown to the callbacks, and the user the first names is logged
in (a session, as the login form makes; it lasts until logout, as with Django's
PersistentRemoteUserMiddleware).

Off unless CHATSESSIONS["HEADER_AUTH"] is True: a header is easy to forge wherever no
proxy strips it from what clients send."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import auth
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest, HttpResponse

from ..conf import get_config
from .callbacks import call, callbacks_of, user_of

EVENT = "header_auth_callback"


class HeaderCallbackBackend(ModelBackend):
    """Logs in the user the first @header_auth_callback names, given the request's
    headers (made on first login, as with password_auth_callback; never a staff user)."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        chat_headers = kwargs.get("chat_headers")  # only HeaderAuthMiddleware passes them
        if chat_headers is None or not get_config()["HEADER_AUTH"]:
            return None
        for module, handler in callbacks_of(EVENT):
            user = user_of(call(module, EVENT, handler, chat_headers), module, EVENT)
            if user is not None and self.user_can_authenticate(user):
                return user
        return None


class HeaderAuthMiddleware:
    """After AuthenticationMiddleware: logs in the user a header callback names for a
    request that is not logged in yet (with HEADER_AUTH on)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if get_config()["HEADER_AUTH"] and not request.user.is_authenticated and callbacks_of(EVENT):
            user = auth.authenticate(request, chat_headers=request.headers)
            if user is not None:
                auth.login(request, user)
        return self.get_response(request)
