"""Chainlit-style chat sessions for Django Channels: the handler author's API."""

from typing import Any

# chatsessions.step is a module (chainlit.step's path) and cl.step the decorator: the
# module is loaded first, so that the name is the decorator's, and an app's later
# `from chatsessions.step import StepDict` (which binds a module loaded only then) leaves it so.
from . import step as _step_module  # noqa: F401
from .context import context
from .handler_api.actions import Action
from .handler_api.asking import AskActionMessage, AskElementMessage, AskFileMessage, AskUserMessage
from .handler_api.chat_settings import ChatSettings
from .handler_api.composer import Mode, ModeOption
from .handler_api.conversation import chat_context
from .handler_api.copilot import CopilotFunction, CopilotFunctionError, send_window_message
from .handler_api.elements import (
    Audio,
    CustomElement,
    Dataframe,
    Element,
    File,
    Image,
    Pdf,
    Plotly,
    Pyplot,
    Text,
    Video,
)
from .handler_api.generations import ChatGeneration, CompletionGeneration, GenerationMessage
from .handler_api.message import ErrorMessage, Message
from .handler_api.mistral_calls import instrument_mistralai
from .handler_api.openai_calls import instrument_openai
from .handler_api.profiles import ChatProfile, Starter, StarterCategory
from .handler_api.registry import (
    action_callback,
    data_layer,
    declare_chat_settings,
    declare_user_env,
    header_auth_callback,
    oauth_callback,
    on_chat_end,
    on_chat_resume,
    on_chat_start,
    on_logout,
    on_message,
    on_settings_update,
    on_stop,
    on_window_message,
    password_auth_callback,
    set_chat_profiles,
    set_starter_categories,
    set_starters,
    sleep,
)
from .handler_api.session import NoActiveChatError, ReservedKeyError, set_title, user_session
from .handler_api.sidebar import ElementSidebar
from .handler_api.steps import Step, step
from .handler_api.tasklist import Task, TaskList, TaskStatus
from .handler_api.users import PersistedUser, User
from .handler_api.widgets import Checkbox, NumberInput, Select, Slider, Switch, TextInput
from .sync import make_async, run_sync

__all__ = [
    "Action",
    "AskActionMessage",
    "AskElementMessage",
    "AskFileMessage",
    "AskUserMessage",
    "Audio",
    "ChatGeneration",
    "ChatProfile",
    "ChatSettings",
    "Checkbox",
    "CompletionGeneration",
    "CopilotFunction",
    "CopilotFunctionError",
    "CustomElement",
    "Dataframe",
    "Element",
    "ElementSidebar",
    "ErrorMessage",
    "File",
    "GenerationMessage",
    "Image",
    "Message",
    "Mode",
    "ModeOption",
    "NoActiveChatError",
    "NumberInput",
    "Pdf",
    "PersistedUser",
    "Plotly",
    "Pyplot",
    "ReservedKeyError",
    "Select",
    "Slider",
    "Starter",
    "StarterCategory",
    "Step",
    "Switch",
    "Task",
    "TaskList",
    "TaskStatus",
    "Text",
    "TextInput",
    "User",
    "Video",
    "action_callback",
    "chat_context",
    "context",
    "data_layer",
    "declare_chat_settings",
    "declare_user_env",
    "header_auth_callback",
    "instrument_mistralai",
    "instrument_openai",
    "make_async",
    "oauth_callback",
    "on_chat_end",
    "on_chat_resume",
    "on_chat_start",
    "on_logout",
    "on_message",
    "on_settings_update",
    "on_stop",
    "on_window_message",
    "password_auth_callback",
    "run_sync",
    "send_window_message",
    "set_chat_profiles",
    "set_starter_categories",
    "set_starters",
    "set_title",
    "sleep",
    "step",
    "user_session",
]


def __getattr__(name: str) -> Any:
    """Chainlit's integrations whose libraries are optional extras, imported when first
    named (importing chatsessions imports none of them)."""
    if name == "LlamaIndexCallbackHandler":
        from .handler_api.llama_index_calls import LlamaIndexCallbackHandler

        return LlamaIndexCallbackHandler
    if name in ("LangchainCallbackHandler", "AsyncLangchainCallbackHandler"):
        from .handler_api.langchain_calls import LangchainTracer

        return LangchainTracer
    raise AttributeError(f"module 'chatsessions' has no attribute {name!r}")
