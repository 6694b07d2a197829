"""Whether a socket's login still holds, and the signals that make its chats check again.

A socket is authenticated once, by its handshake. A user deactivated, deleted, logged out
or whose password changed must not go on chatting on a socket opened before: Django's
signals for those changes send every open chat of the user a recheck through the channel
layer (control.RECHECK), and every chat also checks again at its first frame after
AUTH_RECHECK_SECONDS, for changes made without a signal (a queryset update, an expired
session).
"""

from __future__ import annotations

import logging
from importlib import import_module
from types import SimpleNamespace
from typing import Any

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth import get_user, get_user_model, user_logged_out
from django.db import transaction
from django.db.models.signals import post_save, pre_delete

from ..conf import get_config
from ..handler_api.users import SESSION_KEY, as_chainlit_user
from ..models import ChatSession
from . import control
from .auth import EMBEDDED

logger = logging.getLogger("chatsessions")


def login_holds(user_pk: Any, session_key: str | None) -> bool:
    """Tells whether the session session_key still logs user_pk in, as Django would
    decide for a request: the session exists, its user is active and its password hash
    the one the session was made with. Synchronous: it reads the database."""
    if session_key is None:
        # A socket authenticated without a Django session (a token, a test): its user row
        # is all there is to check.
        return get_user_model()._default_manager.filter(pk=user_pk, is_active=True).exists()
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    user = get_user(SimpleNamespace(session=session))  # type: ignore[arg-type]
    return bool(user.is_authenticated and user.pk == user_pk)


class Login:
    """A socket's login: its user (None if anonymous) and Django session, from its scope."""

    __slots__ = ("recheck_at", "session_key", "user")

    def __init__(self, scope: dict[str, Any], now: float) -> None:
        user = scope.get("user")
        user = user if user is not None and user.is_authenticated else None
        # An embedded chat's socket is logged in by its frame key, not by a session: what
        # was said of its user comes with the key (auth.py).
        embedded = scope.get(EMBEDDED)
        session = None if embedded else scope.get("session")
        # What an auth callback said of the user, kept in the session at login (the
        # session is loaded by now: the login was read from it).
        said = session.get(SESSION_KEY) if session is not None and user is not None else None
        if embedded:
            said = embedded.said
        self.user = as_chainlit_user(user, said)
        self.session_key: str | None = getattr(session, "session_key", None) if session else None
        self.recheck_at = now + get_config()["AUTH_RECHECK_SECONDS"]

    def recheck_due(self, now: float) -> bool:
        """Tells whether AUTH_RECHECK_SECONDS have passed since the last check; if so, the
        next one is due that long from now."""
        if now < self.recheck_at:
            return False
        self.recheck_at = now + get_config()["AUTH_RECHECK_SECONDS"]
        return True

    async def holds(self, logged_out_session: str | None = None) -> bool:
        """Tells whether the login still holds; an anonymous one has nothing to lose.
        If the database cannot say, it holds until the next check."""
        if self.user is None:
            return True
        if self.session_key is not None and self.session_key == logged_out_session:
            return False
        try:
            return await database_sync_to_async(login_holds)(self.user.pk, self.session_key)
        except Exception:
            logger.warning("cannot check the login of user %s now", self.user.pk, exc_info=True)
            return True


def _open_chats(user_pk: Any) -> list[Any]:
    return list(
        ChatSession.objects.filter(owner_id=user_pk)
        .exclude(status=ChatSession.Status.ENDED)
        .values_list("id", flat=True)
    )


def _send_recheck(session_ids: list[Any], logged_out_session: str | None = None) -> None:
    if not session_ids:
        return
    try:
        async_to_sync(control.arecheck)(session_ids, logged_out_session)
    except control.NotSentNow:
        logger.warning(
            "the channel layer is down: %d chats check their login from the database", len(session_ids)
        )
    except Exception:
        # The change itself must not fail: the chats check again at their first frame
        # after AUTH_RECHECK_SECONDS.
        logger.warning("could not ask %d chats to check their login", len(session_ids), exc_info=True)


# The rechecks go out after the commit: a chat that checked earlier would find the old rows.


def _user_saved(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    if kwargs.get("created") or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return  # a new user has no chats; a login changes nothing a chat relies on
    transaction.on_commit(lambda: _send_recheck(_open_chats(instance.pk)))


def _user_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    # Read before the delete: its cascade takes the chat rows.
    session_ids = _open_chats(instance.pk)
    transaction.on_commit(lambda: _send_recheck(session_ids))


def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    # Named, since the recheck may run before logout() has deleted the session.
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    transaction.on_commit(lambda: _send_recheck(_open_chats(user.pk), session_key))


def connect_signals() -> None:
    """Connects the receivers; called once, from the app config's ready()."""
    user_model = get_user_model()
    post_save.connect(_user_saved, sender=user_model, dispatch_uid="chatsessions.access.saved")
    pre_delete.connect(_user_deleted, sender=user_model, dispatch_uid="chatsessions.access.deleted")
    user_logged_out.connect(_logged_out, dispatch_uid="chatsessions.access.logged_out")
