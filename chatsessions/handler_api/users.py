"""Chainlit's user record, for the apps that name it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class User:
    """Chainlit's record of a user, for the apps that name it (`cl.User` in a type hint,
    say). Handlers here are given the Django user, whose username is its identifier."""

    identifier: str
    display_name: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
