"""Chainlit's user records, and the Django user as Chainlit code sees it.

A Chainlit app reads `cl.user_session.get("user").identifier`, `.display_name` and
`.metadata`, and its auth callbacks return a `cl.User`. Here the user of a chat is the
Django user; it gets those three attributes (unless its model has fields of those names):
identifier is its username, display_name and metadata what an auth callback said when it
logged the user in (chatsessions.auth.PasswordCallbackBackend), else its full name and {}.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Where a login's session keeps what the auth callback said of its user.
SESSION_KEY = "chatsessions_user"


@dataclass
class User:
    """Chainlit's record of a user: what an auth callback returns."""

    identifier: str
    display_name: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class PersistedUser(User):
    """Chainlit's record of a stored user, as its data layers return it."""

    id: str = ""
    createdAt: str = ""


def as_chainlit_user(user: Any, said: dict[str, Any] | None = None) -> Any:
    """Gives a logged-in Django user Chainlit's identifier, display_name and metadata,
    from said (what the login's session keeps, see SESSION_KEY) and returns it."""
    if user is None or not getattr(user, "is_authenticated", False):
        return user
    said = said or {}
    shown = {
        "identifier": user.get_username(),
        "display_name": said.get("display_name") or user.get_full_name() or None,
        "metadata": dict(said.get("metadata") or {}),
    }
    for name, value in shown.items():
        if not hasattr(user.__class__, name):  # a model field of that name is the model's
            setattr(user, name, value)
    return user
