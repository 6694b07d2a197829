"""Chat profiles with Chainlit's config overrides (tests/test_config_overrides.py): one
names its chats (ui.name), one asks for what chats here do anyway, one for what they
cannot do."""

from typing import Any

import chatsessions as cl
from chatsessions.config import ChainlitConfigOverrides, FeaturesSettings, McpFeature, UISettings


@cl.set_chat_profiles
async def profiles(user: Any) -> list[cl.ChatProfile]:
    return [
        cl.ChatProfile(
            name="Named", config_overrides=ChainlitConfigOverrides(ui=UISettings(name="Research desk"))
        ),
        cl.ChatProfile(
            name="As here",
            config_overrides=ChainlitConfigOverrides(
                features=FeaturesSettings(
                    mcp=McpFeature(enabled=False, stdio={"enabled": True}), edit_message=True
                )
            ),
        ),
        cl.ChatProfile(
            name="Refused",
            config_overrides=ChainlitConfigOverrides(
                ui=UISettings(name="Maths", cot="hidden"), features=FeaturesSettings(latex=True)
            ),
        ),
    ]


@cl.on_message
async def reply(message: cl.Message) -> None:
    await cl.Message(f"{cl.user_session.get('chat_profile')}: {message.content}").send()
