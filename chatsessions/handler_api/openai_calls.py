"""`cl.instrument_openai()`: every call of the openai client made inside a chat becomes an
`llm` step, as in Chainlit, whose instrumentation this follows (it takes literalai's).

Patched once, process-wide: `chat.completions.create` and `responses.create`, of the sync
and the async client, streamed or not. A call made outside a chat is the client's own,
untouched. Inside one, the call's step (named by the model, under the step open in the
running code) shows when the call starts and is completed when it ends, with its
ChatGeneration: the settings and messages in, the message out (tool calls included),
token counts, time to first token and throughput, or the error. A streamed call ends
when its stream is read to the end, closed, or given up (a Stop cancels the handler:
the HTTP stream is closed at once, and the step keeps what came, marked as stopped).

The openai package is an optional extra (`chatsessions[openai]`): it is imported here,
when instrument_openai() is called, and nowhere else. patch() and LlmCall serve Mistral's
client too (mistral_calls.py): its answers have the same shape.
"""

from __future__ import annotations

import functools
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

from django.utils import timezone

from .generations import ChatGeneration, GenerationMessage
from .session import current_chat
from .steps import Step, open_steps
from .sync import run_sync

#: Set on a patched method: instrumenting twice patches once.
_PATCHED = "chatsessions_instrumented"
#: The call's arguments that are not its settings.
_NOT_SETTINGS = {
    "messages",
    "input",
    "instructions",
    "tools",
    "stream",
    "extra_headers",
    "extra_query",
    "extra_body",
    "timeout",
}


def instrument_openai() -> None:
    """Makes every openai call inside a chat an `llm` step (see the module's text)."""
    try:
        from openai.resources.chat.completions import AsyncCompletions, Completions
        from openai.resources.responses import AsyncResponses, Responses
    except ImportError as error:
        raise ImportError(
            "instrument_openai() needs the openai package: pip install openai (the package's openai extra)"
        ) from error
    for owner, kind, asynchronous in (
        (Completions, "chat", False),
        (Responses, "responses", False),
        (AsyncCompletions, "chat", True),
        (AsyncResponses, "responses", True),
    ):
        patch(owner, "create", kind, "openai", asynchronous=asynchronous)


def patch(
    owner: Any, method: str, kind: str, provider: str, *, asynchronous: bool, streams: bool | None = None
) -> None:
    """Makes owner.method (a client's call) an `llm` step inside a chat, once: kind is
    "chat" or "responses" (what the answer looks like), streams whether it always streams
    (None: when called with stream=True)."""
    original = getattr(owner, method)
    if getattr(original, _PATCHED, False):
        return

    def streamed(kwargs: dict[str, Any]) -> bool:
        return bool(kwargs.get("stream")) if streams is None else streams

    if asynchronous:

        @functools.wraps(original)
        async def call(self: Any, *args: Any, **kwargs: Any) -> Any:
            if current_chat.get(None) is None:
                return await original(self, *args, **kwargs)
            llm = LlmCall(kind, kwargs, provider)
            await llm.step.send()
            try:
                result = await original(self, *args, **kwargs)
            except BaseException as error:
                await llm.finish(error)
                raise
            if streamed(kwargs):
                return WatchedAsyncStream(result, llm)
            llm.completed(result)
            await llm.finish(None)
            return result

    else:

        @functools.wraps(original)
        def call(self: Any, *args: Any, **kwargs: Any) -> Any:
            if current_chat.get(None) is None:
                return original(self, *args, **kwargs)
            llm = LlmCall(kind, kwargs, provider)
            run_sync(llm.step.send())
            try:
                result = original(self, *args, **kwargs)
            except BaseException as error:
                run_sync(llm.finish(error))
                raise
            if streamed(kwargs):
                return WatchedStream(result, llm)
            llm.completed(result)
            run_sync(llm.finish(None))
            return result

    setattr(call, _PATCHED, True)
    setattr(owner, method, call)


def _given(value: Any) -> bool:
    """Whether an argument was passed (the client's NOT_GIVEN and omit are not)."""
    return value is not None and type(value).__name__ not in ("NotGiven", "Omit", "Unset")


def _plain(value: Any) -> Any:
    """value as JSON-like data: the client's models become dicts."""
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return dump(exclude_none=True)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


class LlmCall:
    """One instrumented call: its step and generation, from its request to its end."""

    def __init__(self, kind: str, kwargs: dict[str, Any], provider: str = "openai") -> None:
        self.kind = kind
        self.started = time.monotonic()
        self.first_token_at: float | None = None
        self.text: list[str] = []
        self.tool_calls: dict[int, dict[str, Any]] = {}
        self.ended = False
        model = kwargs.get("model")
        # The messages, input and tools may be any iterable: read once here, they are
        # handed on to the client as lists.
        for name in ("messages", "input", "tools"):
            if _given(kwargs.get(name)) and not isinstance(kwargs[name], (str, list, tuple, dict)):
                kwargs[name] = list(kwargs[name])
        messages: list[Any] = []
        if kind == "chat":
            messages = _plain(list(kwargs.get("messages") or []))
        else:
            if _given(kwargs.get("instructions")):
                messages.append({"role": "system", "content": kwargs["instructions"]})
            given = kwargs.get("input")
            messages.extend(
                [{"role": "user", "content": given}] if isinstance(given, str) else _plain(list(given or []))
            )
        settings = {
            key: _plain(value) for key, value in kwargs.items() if key not in _NOT_SETTINGS and _given(value)
        }
        tools = _plain(list(kwargs["tools"])) if _given(kwargs.get("tools")) else None
        self.generation = ChatGeneration(
            provider=provider, model=model, settings=settings, messages=messages, tools=tools
        )
        opened = open_steps()
        self.step = Step(name=str(model or provider), type="llm", parent_id=opened[-1].id if opened else None)
        self.step.generation = self.generation
        self.step.input = messages
        self.step.start = timezone.now()

    # -- what came ------------------------------------------------------------------------

    def completed(self, result: Any) -> None:
        """A whole answer: a ChatCompletion, or a Response."""
        self.generation.model = getattr(result, "model", None) or self.generation.model
        self._count(getattr(result, "usage", None))
        if self.kind == "chat":
            choices = getattr(result, "choices", None) or []
            message = getattr(choices[0], "message", None) if choices else None
            if message is not None:
                self.text = [message.content or ""]
                for index, tool_call in enumerate(getattr(message, "tool_calls", None) or []):
                    self.tool_calls[index] = _plain(tool_call)
            return
        self.text = [getattr(result, "output_text", "") or ""]
        for item in getattr(result, "output", None) or []:
            if getattr(item, "type", None) == "function_call":
                self.tool_calls[len(self.tool_calls)] = {
                    "id": item.call_id,
                    "type": "function",
                    "function": {"name": item.name, "arguments": item.arguments},
                }

    def saw(self, event: Any) -> None:
        """One event of a stream: a chat chunk (Mistral's in an event's data), or a
        Responses event."""
        if self.kind == "chat":
            event = event.data if self.generation.provider == "mistralai" else event
            self._count(getattr(event, "usage", None))
            for choice in getattr(event, "choices", None) or []:
                if choice.index != 0 or choice.delta is None:
                    continue
                if choice.delta.content:
                    self._token(choice.delta.content)
                for piece in choice.delta.tool_calls or []:
                    self._tool_piece(piece)
            return
        kind = getattr(event, "type", "")
        if kind == "response.output_text.delta":
            self._token(event.delta)
        elif kind == "response.completed":
            self.completed(event.response)

    def _token(self, token: str) -> None:
        if self.first_token_at is None:
            self.first_token_at = time.monotonic()
        self.text.append(token)

    def _tool_piece(self, piece: Any) -> None:
        if self.first_token_at is None:
            self.first_token_at = time.monotonic()
        call = self.tool_calls.setdefault(
            piece.index, {"id": None, "type": "function", "function": {"name": "", "arguments": ""}}
        )
        call["id"] = piece.id or call["id"]
        if piece.function is not None:
            call["function"]["name"] += piece.function.name or ""
            call["function"]["arguments"] += piece.function.arguments or ""

    def _count(self, usage: Any) -> None:
        if usage is None:
            return
        given = getattr(usage, "prompt_tokens", None)
        self.generation.input_token_count = (
            given if given is not None else getattr(usage, "input_tokens", None)
        )
        made = getattr(usage, "completion_tokens", None)
        self.generation.output_token_count = (
            made if made is not None else getattr(usage, "output_tokens", None)
        )
        self.generation.token_count = getattr(usage, "total_tokens", None)

    # -- the end --------------------------------------------------------------------------

    async def finish(self, error: BaseException | None) -> None:
        """Completes the step with what came, once; error marks it (a cancel as stopped)."""
        if self.ended:
            return
        self.ended = True
        now = time.monotonic()
        generation = self.generation
        generation.duration = round(now - self.started, 6)
        if self.first_token_at is not None:
            generation.tt_first_token = round((self.first_token_at - self.started) * 1000, 3)
        made = generation.output_token_count
        if made and generation.duration:
            generation.token_throughput = round(made / generation.duration, 3)
        completion: GenerationMessage = {"role": "assistant", "content": "".join(self.text)}
        if self.tool_calls:
            completion["tool_calls"] = [self.tool_calls[index] for index in sorted(self.tool_calls)]
        generation.message_completion = completion
        step = self.step
        step.end = timezone.now()
        step.output = completion["content"] if not self.tool_calls else completion["tool_calls"]
        if error is not None:
            stopped = type(error).__name__ in ("CancelledError", "GeneratorExit")
            generation.error = "stopped before its end" if stopped else f"{type(error).__name__}: {error}"
            step.is_error = not stopped
            step.output = f"{step.output}\n\n[{generation.error}]" if step.output else f"[{generation.error}]"
        await step.update()


class WatchedStream:
    """The client's Stream, read through: each event is seen, the end completes the step."""

    def __init__(self, stream: Any, call: LlmCall) -> None:
        self._stream = stream
        self._call = call
        self._events = self._read()

    def _read(self) -> Iterator[Any]:
        try:
            for event in self._stream:
                self._call.saw(event)
                yield event
        except BaseException as error:
            self._stream.close()
            run_sync(self._call.finish(error))
            raise
        run_sync(self._call.finish(None))

    def __iter__(self) -> Iterator[Any]:
        return self._events

    def __next__(self) -> Any:
        return next(self._events)

    def __enter__(self) -> WatchedStream:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._stream.close()
        run_sync(self._call.finish(None))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class WatchedAsyncStream:
    """The async client's AsyncStream, read through as WatchedStream reads a Stream."""

    def __init__(self, stream: Any, call: LlmCall) -> None:
        self._stream = stream
        self._call = call
        self._events = self._read()

    async def _read(self) -> AsyncIterator[Any]:
        try:
            async for event in self._stream:
                self._call.saw(event)
                yield event
        except BaseException as error:
            await self._stream.close()  # a Stop: the HTTP stream goes at once
            await self._call.finish(error)
            raise
        await self._call.finish(None)

    def __aiter__(self) -> AsyncIterator[Any]:
        return self._events

    async def __anext__(self) -> Any:
        return await self._events.__anext__()

    async def __aenter__(self) -> WatchedAsyncStream:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self._stream.close()
        await self._call.finish(None)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
