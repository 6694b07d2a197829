"""What a handler puts in the composer, as in Chainlit: commands (a tool the user picks
for the next message, by button, menu or "/name") and modes (pickers, one option each,
sent with every message):

    search = {"id": "Search", "icon": "globe", "description": "Find on the web", "button": True}
    await cl.context.emitter.set_commands([search])
    fast = cl.ModeOption(id="fast", name="Fast", default=True)
    await cl.context.emitter.set_modes([cl.Mode(id="model", name="Model", options=[fast])])

A message says them as message.command (an offered command's id, or None) and
message.modes ({mode id: option id}); the server refuses any other.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: How long an id may be, and how many commands or modes a chat offers at most.
MAX_ID = 64
MAX_OFFERED = 100


def _check_id(kind: str, value: Any) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= MAX_ID:
        raise ValueError(f"a {kind} id is a string of 1 to {MAX_ID} characters, not {value!r}")
    return value


def commands_offered(commands: Any) -> list[dict[str, Any]]:
    """Chainlit's command dicts, checked, as the page shows them."""
    if not isinstance(commands, (list, tuple)) or len(commands) > MAX_OFFERED:
        raise TypeError(f"set_commands takes a list of at most {MAX_OFFERED} command dicts")
    offered = []
    for command in commands:
        if not isinstance(command, dict):
            raise TypeError(f"a command is a dict with an id, not {type(command).__name__}")
        offered.append(
            {
                "id": _check_id("command", command.get("id")),
                "icon": command.get("icon") if isinstance(command.get("icon"), str) else None,
                "description": str(command.get("description") or ""),
                "button": bool(command.get("button", False)),
                "persistent": bool(command.get("persistent", False)),
            }
        )
    if len({command["id"] for command in offered}) != len(offered):
        raise ValueError("command ids must be unique")
    return offered


@dataclass
class ModeOption:
    """One option of a mode; icon is a Lucide name (or an image URL)."""

    id: str
    name: str
    description: str | None = None
    icon: str | None = None
    default: bool = False


@dataclass
class Mode:
    """A picker in the composer: the user picks one of its options."""

    id: str
    name: str
    options: list[ModeOption] = field(default_factory=list)

    def get_default_option(self) -> ModeOption | None:
        """The default option, else the first."""
        first = self.options[0] if self.options else None
        return next((option for option in self.options if option.default), first)

    def get_option_by_id(self, option_id: str) -> ModeOption | None:
        return next((option for option in self.options if option.id == option_id), None)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def modes_offered(modes: Any) -> list[Mode]:
    """The modes, checked."""
    if not isinstance(modes, (list, tuple)) or len(modes) > MAX_OFFERED:
        raise TypeError(f"set_modes takes a list of at most {MAX_OFFERED} Mode")
    for mode in modes:
        if not isinstance(mode, Mode) or not all(isinstance(option, ModeOption) for option in mode.options):
            raise TypeError("set_modes takes a list of Mode, each with a list of ModeOption")
        _check_id("mode", mode.id)
        for option in mode.options:
            _check_id("mode option", option.id)
    if len({mode.id for mode in modes}) != len(modes):
        raise ValueError("mode ids must be unique")
    return list(modes)


def chosen_modes(modes: list[Mode], chosen: dict[str, str] | None) -> dict[str, str]:
    """Each mode's option as the user chose it (its default where they chose none); raises
    ValueError for a mode or an option the chat does not offer."""
    by_id = {mode.id: mode for mode in modes}
    for mode_id, option_id in (chosen or {}).items():
        if mode_id not in by_id or by_id[mode_id].get_option_by_id(option_id) is None:
            raise ValueError(f"message.modes: {mode_id!r}: {option_id!r} is not an option the chat offers")
    picked = {}
    for mode in modes:
        default = mode.get_default_option()
        option = (chosen or {}).get(mode.id) or (default.id if default else None)
        if option is not None:
            picked[mode.id] = option
    return picked
