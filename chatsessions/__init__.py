"""Chainlit-style chat sessions for Django Channels: the handler author's API."""

from .handlers import (
    declare_chat_settings,
    declare_user_env,
    on_chat_end,
    on_chat_resume,
    on_chat_start,
    on_message,
    on_settings_update,
    on_stop,
    run_sync,
    set_chat_profiles,
)
from .message import Message
from .profiles import ChatProfile
from .session import NoActiveChatError, ReservedKeyError, set_title, user_session
from .widgets import NumberInput, Select, Slider, Switch, TextInput

__all__ = [
    "ChatProfile",
    "Message",
    "NoActiveChatError",
    "NumberInput",
    "ReservedKeyError",
    "Select",
    "Slider",
    "Switch",
    "TextInput",
    "declare_chat_settings",
    "declare_user_env",
    "on_chat_end",
    "on_chat_resume",
    "on_chat_start",
    "on_message",
    "on_settings_update",
    "on_stop",
    "run_sync",
    "set_chat_profiles",
    "set_title",
    "user_session",
]
