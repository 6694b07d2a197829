"""Chat settings a handler sends at run time, as Chainlit's cl.ChatSettings:

    settings = await cl.ChatSettings([Select(id="model", label="Model", values=[...])]).send()

They replace the module's declare_chat_settings for this chat: the page rebuilds its
settings panel, the server validates the user's changes against them, and send() sets
the chat's settings to their initial values (refresh() shows them and changes none).
A chat taken over by another worker falls back to the declared ones until its handler
sends them again (in on_chat_resume, say), as a resumed Chainlit thread does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .session import active_chat
from .widgets import Widget


class ChatSettings:
    """The settings widgets of the running chat."""

    def __init__(self, inputs: Sequence[Widget]) -> None:
        if not all(isinstance(widget, Widget) for widget in inputs):
            raise TypeError("ChatSettings takes a list of settings widgets (Select, Switch, Slider, ...)")
        ids = [widget.id for widget in inputs]
        if len(set(ids)) != len(ids):
            raise ValueError(f"settings widget ids must be unique, got {ids!r}")
        self.inputs = list(inputs)

    def settings(self) -> dict[str, Any]:
        """Each widget's initial value, by id."""
        return {widget.id: widget.initial_value() for widget in self.inputs}

    async def send(self) -> dict[str, Any]:
        """Shows the widgets and sets the chat's settings to their initial values, which it
        returns."""
        values = self.settings()
        await active_chat().declare_settings(self.inputs, values)
        return values

    async def refresh(self) -> dict[str, Any]:
        """Shows the widgets without changing the chat's settings."""
        await active_chat().declare_settings(self.inputs, None)
        return self.settings()
