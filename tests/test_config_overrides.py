"""Chainlit's per-profile config overrides: ui.name names the profile's chats, overrides
that ask for what chats here do anyway are accepted, and a chat started with a profile
that overrides anything else is refused with a clear error, through real consumers."""

from __future__ import annotations

import logging

import pytest

from chatsessions.config import ChainlitConfigOverrides, FeaturesSettings, McpFeature, UISettings
from chatsessions.handler_api.profiles import ChatProfile
from chatsessions.testing import ChatClient
from chatsessions.testing.turns import ChatError

pytestmark = pytest.mark.django_db(transaction=True)

APP = "config-overrides"


async def test_ui_name_names_the_profiles_chats(chat_user):
    async with ChatClient(APP, user=chat_user, profile="Named") as chat:
        shown = {profile["name"]: profile.get("shown_name") for profile in chat.session["profiles"]}
        assert shown == {"Named": "Research desk", "As here": None, "Refused": "Maths"}
        assert (await chat.send("hi")).content == "Named: hi"


async def test_overrides_that_ask_for_what_chats_do_here_are_accepted(chat_user):
    async with ChatClient(APP, user=chat_user, profile="As here") as chat:
        assert (await chat.send("hi")).content == "As here: hi"


async def test_a_profile_overriding_what_chats_here_cannot_do_is_refused_at_start(chat_user, caplog):
    with caplog.at_level(logging.WARNING, "chatsessions"), pytest.raises(ChatError) as refused:
        async with ChatClient(APP, user=chat_user, profile="Refused"):
            pass
    assert refused.value.code == "invalid_profile"
    assert (
        "chat profile 'Refused' overrides settings chats here have no counterpart for: "
        in refused.value.detail
    )
    assert "ui.cot='hidden', features.latex=True" in refused.value.detail
    assert "features.latex=True" in caplog.text


@pytest.mark.parametrize(
    ("overrides", "refused"),
    [
        (ChainlitConfigOverrides(ui=UISettings(name="x")), []),
        (ChainlitConfigOverrides(features=FeaturesSettings(mcp=McpFeature(enabled=False))), []),
        (
            ChainlitConfigOverrides(
                features=FeaturesSettings(mcp=McpFeature(enabled=True, sse={"enabled": True}))
            ),
            ["features.mcp.enabled=True"],
        ),
        (ChainlitConfigOverrides(ui=UISettings(name=3)), ["ui.name=3"]),
        (ChainlitConfigOverrides(features=FeaturesSettings(edit_message=1)), ["features.edit_message=1"]),
        (
            ChainlitConfigOverrides(project=FeaturesSettings(persist_user_env=True)),
            ["project.persist_user_env=True"],
        ),
        (ChainlitConfigOverrides(), []),
    ],
)
def test_what_is_refused(overrides, refused):
    assert overrides.refused() == refused


def test_config_overrides_must_be_chainlits():
    with pytest.raises(TypeError, match="must be a ChainlitConfigOverrides"):
        ChatProfile("p", config_overrides={"ui": {"name": "x"}})
