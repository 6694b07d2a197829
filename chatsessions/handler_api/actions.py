"""Action: a button under a message; a click runs the app's @action_callback of its name.

As in Chainlit: `cl.Action(name=..., payload={...}, label=..., tooltip=..., icon=...)` on
`cl.Message(actions=[...])`. The server keeps every action it sent; a click names only
the action's id, so a client can neither forge a name or payload nor click an action
the server did not send (see interaction.py).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from ..wire.protocol import MAX_ACTION_NAME
from .session import active_chat

#: Longest action name (as the protocol bounds it), label and tooltip a page shows.
MAX_ACTION_TEXT = MAX_ACTION_NAME


@dataclass
class Action:
    """One button: name picks the callback, payload is what the callback gets."""

    name: str
    payload: dict[str, Any] = field(default_factory=dict)
    label: str = ""
    tooltip: str = ""
    icon: str | None = None
    # The message it is attached to; set when that message is sent (Chainlit's spelling).
    forId: str | None = None
    id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name or len(self.name) > MAX_ACTION_TEXT:
            raise ValueError(f"Action needs a name of 1 to {MAX_ACTION_TEXT} characters")
        if not isinstance(self.payload, dict):
            raise TypeError(f"Action.payload must be a dict, not {type(self.payload).__name__}")
        try:
            json.dumps(self.payload, allow_nan=False)
        except (TypeError, ValueError) as error:
            raise TypeError(f"Action.payload must be JSON-serialisable: {error}") from None
        self.label = str(self.label)[:MAX_ACTION_TEXT]
        self.tooltip = str(self.tooltip)[:MAX_ACTION_TEXT]

    @property
    def for_id(self) -> str | None:
        return self.forId

    def to_dict(self) -> dict[str, Any]:
        """The action as the transcript keeps it and an action_callback's caller sees it."""
        return {
            "id": self.id,
            "name": self.name,
            "payload": self.payload,
            "label": self.label,
            "tooltip": self.tooltip,
            "icon": self.icon,
            "forId": self.forId,
        }

    def to_frame(self) -> dict[str, Any]:
        """The action as the page sees it: a button (the payload stays on the server)."""
        return {"id": self.id, "name": self.name, "label": self.label or self.name, "tooltip": self.tooltip}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Action:
        return cls(
            name=data["name"],
            payload=data.get("payload") or {},
            label=data.get("label") or "",
            tooltip=data.get("tooltip") or "",
            icon=data.get("icon"),
            forId=data.get("forId"),
            id=data["id"],
        )

    async def send(self, for_id: str) -> None:
        """Attaches the action to the sent message for_id (its buttons change at once)."""
        self.forId = for_id
        await active_chat().add_action(self)

    async def remove(self) -> None:
        """Takes the button away; a later click on it is refused."""
        await active_chat().remove_action(self)
