"""A chat app's @password_auth_callback as a Django authentication backend: list
"chatsessions.auth.PasswordCallbackBackend" in AUTHENTICATION_BACKENDS and Django's
login form (or authenticate()) asks the callbacks of CHATSESSIONS["APPS"], in order."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest

from .callbacks import call, callbacks_of, user_of

EVENT = "password_auth_callback"


class PasswordCallbackBackend(ModelBackend):
    """Logs in the user the first @password_auth_callback that returns a cl.User names
    (made on first login, with an unusable password); None from every one refuses the
    login, as any failed authentication. Staff users are never logged in this way."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None or password is None:
            return None
        callbacks = callbacks_of(EVENT)
        if not callbacks:
            return None
        # One hash, whatever the callbacks answer, as ModelBackend hashes for an unknown
        # user: a refused login costs what a good one does (the callbacks' own time aside).
        make_password(password)
        for module, handler in callbacks:
            user = user_of(call(module, EVENT, handler, username, password), module, EVENT)
            if user is not None and self.user_can_authenticate(user):
                return user
        return None
