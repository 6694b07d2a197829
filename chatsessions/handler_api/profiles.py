"""Chat profiles, the variants of a chat app a user picks before the chat starts, and
starters, the suggested first messages an empty chat shows (alone, or in categories)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .config_overrides import ChainlitConfigOverrides


@dataclass(frozen=True)
class Starter:
    """A suggested first message: a click sends message. icon is an image URL."""

    label: str
    message: str
    command: str | None = None
    icon: str | None = None

    def __post_init__(self) -> None:
        if not all(isinstance(text, str) and text for text in (self.label, self.message)):
            raise ValueError("Starter needs a label and a message, both non-empty strings")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class StarterCategory:
    """A group of starters behind a button of its own (set_starter_categories); icon is an
    image URL."""

    label: str
    icon: str | None = None
    starters: list[Starter] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not isinstance(self.label, str) or not self.label:
            raise ValueError("StarterCategory needs a non-empty string label")
        if not isinstance(self.starters, list) or not all(isinstance(s, Starter) for s in self.starters):
            raise TypeError("StarterCategory.starters must be a list of Starter")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ChatProfile:
    """One profile returned by a set_chat_profiles handler; its starters, if any, are
    the ones its chats show."""

    name: str
    markdown_description: str = ""
    icon: str | None = None
    default: bool = False
    starters: list[Starter] = field(default_factory=list)
    #: Chainlit's settings for this profile's chats (see config_overrides.py).
    config_overrides: ChainlitConfigOverrides | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValueError("ChatProfile needs a non-empty string name")
        if self.config_overrides is not None and not isinstance(
            self.config_overrides, ChainlitConfigOverrides
        ):
            raise TypeError("ChatProfile.config_overrides must be a ChainlitConfigOverrides")
        if self.starters is None:  # as Chainlit allows
            object.__setattr__(self, "starters", [])
        if not isinstance(self.starters, list) or not all(isinstance(s, Starter) for s in self.starters):
            raise TypeError("ChatProfile.starters must be a list of Starter")

    def to_dict(self) -> dict[str, Any]:
        """Returns the profile as the client sees it (its starters come in the session;
        of its overrides, the name its chats are shown with)."""
        described = asdict(self)
        del described["starters"], described["config_overrides"]
        if self.config_overrides is not None and self.config_overrides.shown_name:
            described["shown_name"] = self.config_overrides.shown_name
        return described

    def refused_overrides(self) -> list[str]:
        """Its config overrides with no counterpart here ("features.mcp.enabled=True")."""
        return self.config_overrides.refused() if self.config_overrides is not None else []
