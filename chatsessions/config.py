"""chainlit.config's path for what a chat profile's config overrides are written with:
`from chatsessions.config import ChainlitConfigOverrides, UISettings, ...` (they live in
handler_api/config_overrides.py)."""

from .handler_api.config_overrides import (
    AudioFeature,
    ChainlitConfigOverrides,
    FeaturesSettings,
    McpFeature,
    McpSseFeature,
    McpStdioFeature,
    McpStreamableHttpFeature,
    ProjectSettings,
    SpontaneousFileUploadFeature,
    UISettings,
)

__all__ = [
    "AudioFeature",
    "ChainlitConfigOverrides",
    "FeaturesSettings",
    "McpFeature",
    "McpSseFeature",
    "McpStdioFeature",
    "McpStreamableHttpFeature",
    "ProjectSettings",
    "SpontaneousFileUploadFeature",
    "UISettings",
]
