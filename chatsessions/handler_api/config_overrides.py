"""Chainlit's per-profile config overrides (`ChatProfile(config_overrides=...)`), for the
settings that have a counterpart here; a chat started with a profile that overrides any
other is refused with a clear error (docs/handler-api.md, "Chat profiles' config
overrides").

Chainlit's settings are pydantic models of its config.toml; here each keeps only what it
was given, so that what a profile overrides is exactly what its author wrote.
"""

from __future__ import annotations

from typing import Any

#: What an override may set here, and how: the page's name for the profile's chats.
APPLIED: dict[str, type] = {"ui.name": str}

#: Overrides that ask for what chats here do anyway: accepted, nothing to change.
AS_HERE: dict[str, Any] = {
    "features.mcp.enabled": False,  # no MCP servers here
    "features.audio.enabled": False,  # no voice input here
    "features.edit_message": True,
    "features.unsafe_allow_html": False,
    "features.auto_tag_thread": True,  # a data layer's update_thread gets tags=[profile]
    "features.allow_thread_sharing": False,
    "features.favorites": False,
    "features.latex": False,
    "features.user_message_markdown": True,
}


class Settings:
    """One section of Chainlit's config, as an override gives it: keyword arguments,
    nested sections or dicts (`McpFeature(stdio={"enabled": True})`)."""

    def __init__(self, **given: Any) -> None:
        self.given = given

    def __getattr__(self, name: str) -> Any:
        given = self.__dict__.get("given", {})
        if name in given:
            return given[name]
        raise AttributeError(f"{type(self).__name__} has no {name!r} set")

    def __repr__(self) -> str:
        shown = ", ".join(f"{key}={value!r}" for key, value in self.given.items())
        return f"{type(self).__name__}({shown})"

    def flat(self, prefix: str = "") -> dict[str, Any]:
        """What was given, by dotted path ("features.mcp.enabled")."""
        found: dict[str, Any] = {}
        for key, value in self.given.items():
            path = f"{prefix}{key}"
            if isinstance(value, Settings):
                found.update(value.flat(f"{path}."))
            elif isinstance(value, dict) and value and all(isinstance(name, str) for name in value):
                found.update(Settings(**value).flat(f"{path}."))
            else:
                found[path] = value
        return found


class ChainlitConfigOverrides(Settings):
    """Chainlit's overrides of one chat profile: ui, features and project sections."""

    def __init__(self, ui: Any = None, features: Any = None, project: Any = None) -> None:
        super().__init__(**{k: v for k, v in (("ui", ui), ("features", features), ("project", project)) if v})

    def refused(self) -> list[str]:
        """The overrides with no counterpart here, as "path=value", in the order given."""
        refused = []
        for path, value in self.flat().items():
            if path in APPLIED and isinstance(value, APPLIED[path]):
                continue
            if path in AS_HERE and value == AS_HERE[path] and type(value) is type(AS_HERE[path]):
                continue
            if path.startswith("features.mcp.") and path != "features.mcp.enabled":
                continue  # how MCP would run: moot, as MCP is off or refused
            refused.append(f"{path}={value!r}")
        return refused

    @property
    def shown_name(self) -> str | None:
        """ui.name: what the page calls chats of the profile, instead of the app's name."""
        name = self.flat().get("ui.name")
        return name if isinstance(name, str) and name.strip() else None


class UISettings(Settings):
    pass


class FeaturesSettings(Settings):
    pass


class ProjectSettings(Settings):
    pass


class McpFeature(Settings):
    pass


class McpSseFeature(Settings):
    pass


class McpStdioFeature(Settings):
    pass


class McpStreamableHttpFeature(Settings):
    pass


class SpontaneousFileUploadFeature(Settings):
    pass


class AudioFeature(Settings):
    pass
