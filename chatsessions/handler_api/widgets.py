"""Chat settings widgets: what a chat app lets its users tune, and their validation."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar


@dataclass(frozen=True)
class Widget:
    """One declared chat setting: its id, label and initial value."""

    kind: ClassVar[str] = ""
    id: str
    label: str
    description: str | None = field(default="", kw_only=True)
    #: Shown when the pointer rests on the setting.
    tooltip: str | None = field(default="", kw_only=True)
    #: Shown, not changeable: the server takes no other value for it than its initial one.
    disabled: bool = field(default=False, kw_only=True)

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id:
            raise ValueError(f"{type(self).__name__} needs a non-empty string id")
        self.validate(self.initial_value())

    def initial_value(self) -> Any:
        """Returns the value the setting has before the user changes it."""
        return getattr(self, "initial")  # noqa: B009 (each subclass declares it)

    def validate(self, value: Any) -> Any:
        """Returns the value if this widget accepts it, else raises ValueError."""
        raise NotImplementedError

    def validate_change(self, value: Any) -> Any:
        """Returns the value if the user may set it (a disabled setting keeps its own)."""
        if self.disabled and value != self.initial_value():
            raise ValueError(f"{self.id!r} cannot be changed")
        return self.validate(value)

    def to_dict(self) -> dict[str, Any]:
        """Returns the schema the client builds its settings panel from."""
        return {"type": self.kind, **asdict(self)}


@dataclass(frozen=True, init=False)
class Select(Widget):
    """A choice among fixed string values, or among items ({label: value}). It starts at
    initial (Chainlit also names it initial_value), else at values[initial_index], else
    at the first value."""

    kind: ClassVar[str] = "select"
    values: list[str] = field(default_factory=list)
    initial: str | None = None
    items: dict[str, str] = field(default_factory=dict)

    def __init__(
        self,
        id: str,
        label: str,
        values: list[str] | None = None,
        initial: str | None = None,
        items: dict[str, str] | None = None,
        initial_index: int | None = None,
        initial_value: str | None = None,
        description: str | None = "",
        tooltip: str | None = "",
        disabled: bool = False,
    ) -> None:
        values = list(values or (items or {}).values())
        if initial is None:
            initial = initial_value
        if initial is None and initial_index is not None:
            if not isinstance(initial_index, int) or not 0 <= initial_index < len(values):
                raise ValueError(f"{id!r}: initial_index {initial_index!r} is not the index of a value")
            initial = values[initial_index]
        fields: dict[str, Any] = {"id": id, "label": label, "values": values, "initial": initial}
        fields.update(items=dict(items or {}), description=description, tooltip=tooltip)
        fields["disabled"] = bool(disabled)
        for name, value in fields.items():
            object.__setattr__(self, name, value)
        self.__post_init__()

    def initial_value(self) -> str | None:
        if self.initial is None and self.values:
            return self.values[0]
        return self.initial

    def validate(self, value: Any) -> Any:
        if value not in self.values:
            raise ValueError(f"{self.id!r} must be one of {self.values!r}")
        return value

    def to_dict(self) -> dict[str, Any]:
        """The schema, with the labels of its items (else its values are their labels)."""
        described = super().to_dict()
        del described["items"]
        return {**described, "labels": list(self.items) if self.items else self.values}


@dataclass(frozen=True)
class Switch(Widget):
    """An on/off setting."""

    kind: ClassVar[str] = "switch"
    initial: bool = False

    def validate(self, value: Any) -> Any:
        if not isinstance(value, bool):
            raise ValueError(f"{self.id!r} must be true or false")
        return value


@dataclass(frozen=True)
class Checkbox(Switch):
    """An on/off setting shown as a checkbox (Chainlit's Checkbox)."""

    kind: ClassVar[str] = "checkbox"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


@dataclass(frozen=True)
class Slider(Widget):
    """A number between min and max, in steps."""

    kind: ClassVar[str] = "slider"
    initial: float = 0
    min: float = 0
    max: float = 10
    step: float = 1

    def validate(self, value: Any) -> Any:
        if not _is_number(value) or not self.min <= value <= self.max:
            raise ValueError(f"{self.id!r} must be a number from {self.min} to {self.max}")
        return value


@dataclass(frozen=True)
class TextInput(Widget):
    """A line (or block) of text."""

    kind: ClassVar[str] = "text"
    initial: str = ""
    placeholder: str = ""
    multiline: bool = False
    max_length: int = 10_000

    def validate(self, value: Any) -> Any:
        if not isinstance(value, str) or len(value) > self.max_length:
            raise ValueError(f"{self.id!r} must be text of at most {self.max_length} characters")
        return value


@dataclass(frozen=True)
class NumberInput(Widget):
    """A free number, optionally bounded."""

    kind: ClassVar[str] = "number"
    initial: float | None = None
    min: float | None = None
    max: float | None = None

    def validate(self, value: Any) -> Any:
        if value is None and self.initial is None:
            return value
        if not _is_number(value):
            raise ValueError(f"{self.id!r} must be a number")
        if (self.min is not None and value < self.min) or (self.max is not None and value > self.max):
            raise ValueError(f"{self.id!r} must be from {self.min} to {self.max}")
        return value


def validate_settings(widgets: list[Widget], values: dict[str, Any]) -> None:
    """Raises ValueError unless every value is for a declared widget, which accepts it."""
    by_id = {widget.id: widget for widget in widgets}
    for key, value in values.items():
        if key not in by_id:
            raise ValueError(f"{key!r} is not a declared setting")
        by_id[key].validate_change(value)
