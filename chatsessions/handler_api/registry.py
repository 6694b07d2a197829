"""The handler decorators and the registry of chat apps they fill, one per module."""

from __future__ import annotations

import asyncio
import sys
import tomllib
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from importlib import import_module
from inspect import Parameter, signature
from pathlib import Path
from typing import Any, TypeVar

from asgiref.sync import iscoroutinefunction, sync_to_async

from .sync import run_handler
from .widgets import Widget

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

EVENTS = (
    "on_chat_start",
    "on_message",
    "on_chat_end",
    "on_chat_resume",
    "on_settings_update",
    "on_stop",
    "set_chat_profiles",
    "set_starters",
    "set_starter_categories",
    "on_window_message",
    # Chainlit's auth hooks, run on Django's (chatsessions/accounts/).
    "password_auth_callback",
    "header_auth_callback",
    "oauth_callback",
    "on_logout",
    # Chainlit's data layer, told what the chat keeps (live/data_feed.py).
    "data_layer",
)


class HandlerExit(Exception):
    """A handler raised SystemExit, KeyboardInterrupt, GeneratorExit or a CancelledError
    of its own: reported like any exception, so that a handler cannot stop the server."""

    def __init__(self, original: BaseException) -> None:
        super().__init__(f"{type(original).__name__}: {original}")
        self.original = original


@dataclass(frozen=True)
class Handler:
    """A registered function, called the same way whether it is sync or async."""

    func: Callable[..., Any]
    # How many of the arguments it takes (a handler may leave out the ones it does not use).
    arity: int
    is_async: bool

    @classmethod
    def wrap(cls, func: Callable[..., Any]) -> Handler:
        """Inspects func once, at registration."""
        params = signature(func).parameters.values()
        positional = [
            p for p in params if p.kind in (Parameter.POSITIONAL_ONLY, Parameter.POSITIONAL_OR_KEYWORD)
        ]
        varargs = any(p.kind is Parameter.VAR_POSITIONAL for p in params)
        return cls(func, sys.maxsize if varargs else len(positional), iscoroutinefunction(func))

    async def __call__(self, *args: Any) -> Any:
        """Runs the function with as many of args as it takes; a sync one in a worker
        thread, never on the event loop, and an async one so that sync code it calls
        may wait with run_sync."""
        args = args[: self.arity]
        try:
            if self.is_async:
                awaitable = self.func(*args)
                if isinstance(awaitable, Coroutine):
                    return await run_handler(awaitable)
                return await awaitable
            # thread_sensitive=False: one chat's slow sync handler must not queue every
            # other chat's behind it. sync_to_async copies the context, so user_session works.
            return await sync_to_async(self.func, thread_sensitive=False)(*args)
        except asyncio.CancelledError as error:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise  # a stop, or the chat going away: ours to handle
            raise HandlerExit(error) from error
        except (SystemExit, KeyboardInterrupt, GeneratorExit) as error:
            raise HandlerExit(error) from error


@dataclass
class ChatApp:
    """Everything one handler module declared."""

    module: str
    handlers: dict[str, Handler] = field(default_factory=dict)
    settings: list[Widget] = field(default_factory=list)
    user_env: list[str] = field(default_factory=list)

    def handler(self, event: str) -> Handler | None:
        """Returns the handler registered for event, if any."""
        return self.handlers.get(event)

    def initial_settings(self) -> dict[str, Any]:
        """Returns each declared setting's initial value, by id."""
        return {widget.id: widget.initial_value() for widget in self.settings}


_apps: dict[str, ChatApp] = {}


def _app_of(module: str) -> ChatApp:
    return _apps.setdefault(module, ChatApp(module))


def load_app(module_path: str) -> ChatApp:
    """Imports a handler module and returns what it registered.

    Raises ImportError if the module cannot be imported (or its Chainlit config read).
    """
    module = import_module(module_path)
    app = _app_of(module_path)
    if module_path not in _configured:
        _read_chainlit_config(app, getattr(module, "__file__", None))
        _configured.add(module_path)
    return app


#: The modules whose .chainlit/config.toml was looked for.
_configured: set[str] = set()


def _read_chainlit_config(app: ChatApp, module_file: str | None) -> None:
    """A Chainlit app keeps its project settings in .chainlit/config.toml beside it. The
    one that is the app's own business here is [project] user_env: the keys it asks each
    user for, when the module declares none (declare_user_env)."""
    if module_file is None or app.user_env:
        return
    path = Path(module_file).parent / ".chainlit" / "config.toml"
    if not path.is_file():
        return
    try:
        with path.open("rb") as opened:
            keys = tomllib.load(opened).get("project", {}).get("user_env", [])
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ImportError(f"{path} cannot be read: {error}") from error
    if not isinstance(keys, list) or not all(isinstance(key, str) and key for key in keys):
        raise ImportError(f"{path}: [project] user_env must be a list of names")
    app.user_env = keys


def _decorator(event: str) -> Callable[[F], F]:
    def register(func: F) -> F:
        if not callable(func):
            raise TypeError(f"@{event} decorates a function, not {func!r}")
        _app_of(func.__module__).handlers[event] = Handler.wrap(func)
        return func

    register.__name__ = register.__qualname__ = event
    register.__doc__ = f"Registers the decorated function as its module's {event} handler."
    return register


on_chat_start = _decorator("on_chat_start")
on_message = _decorator("on_message")
on_chat_end = _decorator("on_chat_end")
on_chat_resume = _decorator("on_chat_resume")
on_settings_update = _decorator("on_settings_update")
on_stop = _decorator("on_stop")
set_chat_profiles = _decorator("set_chat_profiles")
set_starters = _decorator("set_starters")
set_starter_categories = _decorator("set_starter_categories")
on_window_message = _decorator("on_window_message")
password_auth_callback = _decorator("password_auth_callback")
header_auth_callback = _decorator("header_auth_callback")
oauth_callback = _decorator("oauth_callback")
on_logout = _decorator("on_logout")
data_layer = _decorator("data_layer")


def action_event(name: str) -> str:
    """The event an action_callback for actions named name is registered under."""
    return f"action:{name}"


def action_callback(name: str) -> Callable[[F], F]:
    """Registers the decorated function (called with the Action) for clicks on the
    actions named name."""
    if not isinstance(name, str) or not name:
        raise TypeError("action_callback takes the actions' name")
    return _decorator(action_event(name))


def _calling_module() -> str:
    # Two frames up: the module-level statement that called the declare_* function.
    return str(sys._getframe(2).f_globals["__name__"])


def declare_chat_settings(*widgets: Widget) -> None:
    """Declares the settings widgets of the calling handler module."""
    ids = [widget.id for widget in widgets]
    if not all(isinstance(widget, Widget) for widget in widgets):
        raise TypeError("declare_chat_settings takes Select, Switch, Slider, TextInput or NumberInput")
    if len(set(ids)) != len(ids):
        raise ValueError(f"settings widget ids must be unique, got {ids!r}")
    _app_of(_calling_module()).settings = list(widgets)


def declare_user_env(*keys: str) -> None:
    """Declares the user-env keys (API keys and the like) the calling module asks for."""
    if not all(isinstance(key, str) and key for key in keys):
        raise TypeError("declare_user_env takes non-empty strings")
    _app_of(_calling_module()).user_env = list(keys)


async def sleep(seconds: float) -> None:
    """Waits without blocking the other chats (Chainlit's cl.sleep)."""
    await asyncio.sleep(seconds)
