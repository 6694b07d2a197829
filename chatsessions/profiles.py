"""Chat profiles: the variants of a chat app a user picks before the chat starts."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class ChatProfile:
    """One profile returned by a set_chat_profiles handler."""

    name: str
    markdown_description: str = ""
    icon: str | None = None
    default: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValueError("ChatProfile needs a non-empty string name")

    def to_dict(self) -> dict[str, Any]:
        """Returns the profile as the client sees it."""
        return asdict(self)
