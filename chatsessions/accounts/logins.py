"""What happens at Django's login and logout for Chainlit apps: the display name and
metadata an auth callback gave the user are read into the login's session (where a
chat's socket finds them without a query), and each app's @on_logout runs."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from ..handler_api.users import SESSION_KEY
from ..models import UserMetadata
from .callbacks import call, callbacks_of


@receiver(user_logged_in, dispatch_uid="chatsessions.accounts.remember_metadata")
def _remember_metadata(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is None:
        return
    row = UserMetadata.objects.filter(user=user).first()
    if row is None:
        session.pop(SESSION_KEY, None)
    else:
        session[SESSION_KEY] = {"display_name": row.display_name, "metadata": row.metadata}


@receiver(user_logged_out, dispatch_uid="chatsessions.accounts.on_logout")
def _run_on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Chainlit's on_logout(request, response): here Django's request, and no response
    (the logout view makes it after the signal); a failing one is logged."""
    for module, handler in callbacks_of("on_logout"):
        call(module, "on_logout", handler, request, None)
