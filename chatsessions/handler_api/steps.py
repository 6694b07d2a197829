"""Steps: the intermediate work of a handler (a tool call, a lookup, an LLM call), shown
folded in the chat with its input, output and timing, and kept in the transcript.

As in Chainlit: `@cl.step` (with or without arguments) on a sync or async function, and
`async with cl.Step(name=..., type=...) as step:` (or `with` in sync code) with
`step.input`, `step.output` and `await step.stream_token(...)`. A step started inside
another is its child; an exception inside a step marks it as an error and goes on up.
"""

from __future__ import annotations

import functools
import inspect
import json
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import datetime
from typing import Any, TypeVar, overload

from django.utils import timezone

from .elements import Element, keep
from .generations import BaseGeneration
from .session import active_chat
from .sync import run_sync

F = TypeVar("F", bound=Callable[..., Any])

#: The steps open in the running code, innermost last: a new step's parent is the last.
_open_steps: ContextVar[tuple[Step, ...]] = ContextVar("chatsessions_open_steps", default=())

#: What the page folds a step's input and output to; longer text is cut there.
MAX_STEP_TEXT = 100_000


def _text(content: Any) -> tuple[str, str | None]:
    """Returns content as text, and the language to show it in (json for data)."""
    if content is None:
        return "", None
    if isinstance(content, str):
        return content[:MAX_STEP_TEXT], None
    if isinstance(content, (dict, list, tuple)):
        try:
            return json.dumps(content, indent=2, ensure_ascii=False, default=str)[:MAX_STEP_TEXT], "json"
        except (TypeError, ValueError):
            pass
    return str(content)[:MAX_STEP_TEXT], "text"


class Step:
    """One step of a handler; sent when it starts, updated when it ends."""

    def __init__(
        self,
        name: str | None = None,
        type: str = "undefined",
        id: str | None = None,
        parent_id: str | None = None,
        metadata: dict[str, Any] | None = None,
        tags: list[str] | None = None,
        language: str | None = None,
        icon: str | None = None,
        default_open: bool = False,
        auto_collapse: bool = False,
        show_input: bool | str = "json",
        thread_id: str | None = None,  # Chainlit's; a step is always of the running chat
        elements: list[Element] | None = None,
    ) -> None:
        self.name = name or "Step"
        self.type = type
        self.id = id or str(uuid.uuid4())
        self.parent_id = parent_id
        self.metadata = metadata or {}
        self.tags = tags
        self.language = language
        self.icon = icon
        self.default_open = default_open
        self.auto_collapse = auto_collapse
        self.show_input = show_input
        self.is_error = False
        self.created: datetime | None = None
        self.start: datetime | None = None
        self.end: datetime | None = None
        self._input = ""
        self._output = ""
        #: An LLM call's record (ChatGeneration, CompletionGeneration), kept with the step.
        self.generation: BaseGeneration | None = None
        #: Shown under its output; kept in the file storage when the step is shown.
        self.elements: list[Element] = list(elements or [])
        self._described: list[dict[str, Any]] = []

    @property
    def input(self) -> str:
        return self._input

    @input.setter
    def input(self, content: Any) -> None:
        self._input, _ = _text(content)

    @property
    def output(self) -> str:
        return self._output

    @output.setter
    def output(self, content: Any) -> None:
        self._output, language = _text(content)
        if language and not self.language:
            self.language = language

    def meta(self) -> dict[str, Any]:
        """What the transcript keeps of the step besides its output (its content)."""
        return {
            "step_type": self.type,
            "parent_id": self.parent_id,
            "input": self._input,
            "is_error": self.is_error,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "language": self.language,
            "show_input": self.show_input,
            "default_open": self.default_open,
            "icon": self.icon,
            **({"elements": self._described} if self._described else {}),
            **({"generation": self.generation.to_dict()} if self.generation is not None else {}),
        }

    # -- sending ------------------------------------------------------------------------

    async def send(self) -> Step:
        """Shows the step (entering the context manager does this)."""
        await self._keep_elements()
        if self.created is None:
            self.created = timezone.now()
            await active_chat().add_step(self)
        else:
            await active_chat().update_step(self)
        return self

    async def _keep_elements(self) -> None:
        """Keeps the elements added since the step was last shown; forgets removed ones."""
        described = {item["id"]: item for item in self._described}
        shown = [element for element in self.elements if not element.removed]
        new = [element for element in shown if element.id not in described]
        if new:
            for item in await keep(active_chat(), self.id, new):
                described[item["id"]] = item
        self._described = [described[element.id] for element in shown if element.id in described]

    async def update(self) -> None:
        """Shows the step's current input, output, elements and state."""
        await self._keep_elements()
        await active_chat().update_step(self)

    async def remove(self) -> None:
        await active_chat().remove_step(self)

    async def stream_token(self, token: str, is_sequence: bool = False, is_input: bool = False) -> None:
        """Adds token to the output (or the input), shown at once; update() or the end of
        the context manager keeps it."""
        if not token:
            return
        if is_input:
            self.input = token if is_sequence else self._input + token
            return
        self.output = token if is_sequence else self._output + token
        if self.created is None:
            await self.send()
        await active_chat().stream_step(self, token, replace=is_sequence)

    # -- the context manager --------------------------------------------------------------

    def _enter(self) -> None:
        self.start = timezone.now()
        opened = _open_steps.get()
        if self.parent_id is None and opened:
            self.parent_id = opened[-1].id
        _open_steps.set((*opened, self))

    def _exit(self, error: BaseException | None) -> None:
        self.end = timezone.now()
        if error is not None:
            self.is_error = True
            self.output = f"{type(error).__name__}: {error}"
        _open_steps.set(tuple(step for step in _open_steps.get() if step is not self))

    async def __aenter__(self) -> Step:
        self._enter()
        await self.send()
        return self

    async def __aexit__(self, exc_type: Any, error: BaseException | None, traceback: Any) -> None:
        self._exit(error)
        await self.update()

    def __enter__(self) -> Step:
        self._enter()
        run_sync(self.send())
        return self

    def __exit__(self, exc_type: Any, error: BaseException | None, traceback: Any) -> None:
        self._exit(error)
        run_sync(self.update())


def _arguments(func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    try:
        bound = inspect.signature(func).bind(*args, **kwargs)
    except TypeError:
        return {}
    bound.apply_defaults()
    return dict(bound.arguments)


@overload
def step(original_function: F, /) -> F: ...


@overload
def step(
    original_function: None = None, /, *, name: str | None = None, type: str = "undefined", **options: Any
) -> Callable[[F], F]: ...


def step(
    original_function: Callable[..., Any] | None = None,
    /,
    *,
    name: str | None = None,
    type: str = "undefined",
    **options: Any,
) -> Any:
    """Makes each call of the decorated function a step: its arguments are the input,
    what it returns the output. @step and @step(name=..., type=...) both work."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        step_name = name or func.__name__
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def async_step(*args: Any, **kwargs: Any) -> Any:
                async with Step(name=step_name, type=type, **options) as current:
                    current.input = _arguments(func, args, kwargs)
                    result = await func(*args, **kwargs)
                    if result is not None and not current.output:
                        current.output = result
                    return result

            return async_step

        @functools.wraps(func)
        def sync_step(*args: Any, **kwargs: Any) -> Any:
            with Step(name=step_name, type=type, **options) as current:
                current.input = _arguments(func, args, kwargs)
                result = func(*args, **kwargs)
                if result is not None and not current.output:
                    current.output = result
                return result

        return sync_step

    if original_function is not None:
        return decorate(original_function)
    return decorate


def open_steps() -> list[Step]:
    """The steps open in the running code, outermost first."""
    return list(_open_steps.get() or ())
