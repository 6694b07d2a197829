"""`cl.LlamaIndexCallbackHandler`: LlamaIndex's callback events as steps, as Chainlit's
handler shows them. A retrieval, a query or a function call is a `tool` step; an LLM
call an `llm` step with its ChatGeneration or CompletionGeneration; each under its parent
event's step, else under the step open in the running code. Retrieved nodes become
Text elements ("Source 0", ...) shown in the side view.

LlamaIndex calls its handlers from sync code, on the event loop or in a worker thread:
a step's sends are queued on the loop there (as Chainlit's are), and run_sync'd in a
thread. Unlike Chainlit's, this handler is no TokenCountingHandler: that one loads a
tiktoken encoding from the internet when made. Token counts come from the LLM
response's own usage, where the provider gives it.

llama-index-core is an optional extra (`chatsessions[llama-index]`): it is imported when
this module is, which `chatsessions` does only when `cl.LlamaIndexCallbackHandler` is
first named.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from django.utils import timezone
from llama_index.core.callbacks.base_handler import BaseCallbackHandler
from llama_index.core.callbacks.schema import CBEventType, EventPayload
from llama_index.core.llms import ChatResponse, CompletionResponse

from .elements import Text
from .generations import ChatGeneration, CompletionGeneration, GenerationMessage
from .steps import Step, open_steps
from .sync import run_sync

logger = logging.getLogger("chatsessions")

#: Events Chainlit's handler leaves out: the pipeline's plumbing, not its answers.
DEFAULT_IGNORE = [
    CBEventType.CHUNKING,
    CBEventType.SYNTHESIZE,
    CBEventType.EMBEDDING,
    CBEventType.NODE_PARSING,
    CBEventType.TREE,
]
_STEP_TYPES = {
    CBEventType.FUNCTION_CALL: "tool",
    CBEventType.RETRIEVE: "tool",
    CBEventType.QUERY: "tool",
    CBEventType.LLM: "llm",
}

#: Sends queued on the loop, kept until done (a task nobody holds may be collected).
_pending: set[asyncio.Task[Any]] = set()


def _soon(coroutine: Coroutine[Any, Any, Any]) -> None:
    """Runs a step's send: queued on the running loop, in order; else waited for."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        run_sync(coroutine)
        return
    task = loop.create_task(coroutine)
    _pending.add(task)
    task.add_done_callback(_settled)


def _settled(task: asyncio.Task[Any]) -> None:
    _pending.discard(task)
    if not task.cancelled() and task.exception() is not None:
        logger.error("a LlamaIndex step could not be shown", exc_info=task.exception())


def _usage(response: Any) -> int | None:
    raw = getattr(response, "raw", None)
    usage = raw.get("usage") if isinstance(raw, dict) else getattr(raw, "usage", None)
    total = usage.get("total_tokens") if isinstance(usage, dict) else getattr(usage, "total_tokens", None)
    return total if isinstance(total, int) else None


class LlamaIndexCallbackHandler(BaseCallbackHandler):
    """Shows LlamaIndex's events as steps: `Settings.callback_manager =
    CallbackManager([cl.LlamaIndexCallbackHandler()])`."""

    def __init__(
        self,
        event_starts_to_ignore: list[CBEventType] = DEFAULT_IGNORE,
        event_ends_to_ignore: list[CBEventType] = DEFAULT_IGNORE,
    ) -> None:
        super().__init__(
            event_starts_to_ignore=event_starts_to_ignore, event_ends_to_ignore=event_ends_to_ignore
        )
        self.steps: dict[str, Step] = {}

    def _parent_id(self, event_parent_id: str | None) -> str | None:
        if event_parent_id and event_parent_id in self.steps:
            return event_parent_id
        opened = open_steps()
        return opened[-1].id if opened else None

    def on_event_start(
        self,
        event_type: CBEventType,
        payload: dict[str, Any] | None = None,
        event_id: str = "",
        parent_id: str = "",
        **kwargs: Any,
    ) -> str:
        step_type = _STEP_TYPES.get(event_type)
        if step_type is None:
            return event_id
        name: str = event_type.value
        shown: Any = payload
        if event_type == CBEventType.FUNCTION_CALL and payload:
            name = getattr(payload.get(EventPayload.TOOL), "name", None) or name
            shown = payload.get(EventPayload.FUNCTION_CALL)
        step = Step(name=name, type=step_type, parent_id=self._parent_id(parent_id), id=event_id or None)
        step.start = timezone.now()
        step.input = _shown(shown) or {}
        self.steps[event_id] = step
        _soon(step.send())
        return event_id

    def on_event_end(
        self,
        event_type: CBEventType,
        payload: dict[str, Any] | None = None,
        event_id: str = "",
        **kwargs: Any,
    ) -> None:
        step = self.steps.get(event_id)
        if payload is None or step is None:
            return
        step.end = timezone.now()
        if event_type == CBEventType.FUNCTION_CALL:
            step.output = str(payload.get(EventPayload.FUNCTION_OUTPUT) or "")
        elif event_type in (CBEventType.QUERY, CBEventType.RETRIEVE):
            if event_type == CBEventType.QUERY:
                nodes = getattr(payload.get(EventPayload.RESPONSE), "source_nodes", None) or []
            else:
                nodes = payload.get(EventPayload.NODES) or []
            texts = [_node_text(node) for node in nodes]
            if texts:
                step.elements = [
                    Text(name=f"Source {index}", content=text or "Empty node", display="side")
                    for index, text in enumerate(texts)
                ]
                step.output = "Retrieved the following sources: " + ", ".join(
                    f"Source {index}" for index in range(len(texts))
                )
        elif event_type == CBEventType.LLM:
            self._llm_ended(step, payload)
        else:
            step.output = _shown(payload)
        _soon(step.update())
        self.steps.pop(event_id, None)

    def _llm_ended(self, step: Step, payload: dict[str, Any]) -> None:
        messages = payload.get(EventPayload.MESSAGES)
        prompt = payload.get(EventPayload.PROMPT)
        response = payload.get(EventPayload.RESPONSE)
        if isinstance(response, ChatResponse):
            content = response.message.content or ""
        elif isinstance(response, CompletionResponse):
            content = response.text
        else:
            content = ""
        step.output = content
        raw = getattr(response, "raw", None)
        model = raw.get("model") if isinstance(raw, dict) else getattr(raw, "model", None)
        if messages and isinstance(response, ChatResponse):
            step.generation = ChatGeneration(
                provider="llama_index",
                model=model,
                messages=[GenerationMessage(role=m.role.value, content=m.content or "") for m in messages],
                message_completion=GenerationMessage(role=response.message.role.value, content=content),
                token_count=_usage(response),
            )
        elif prompt:
            step.generation = CompletionGeneration(
                provider="llama_index",
                model=model,
                prompt=str(prompt),
                completion=content,
                token_count=_usage(response),
            )

    def start_trace(self, trace_id: str | None = None) -> None:
        pass

    def end_trace(self, trace_id: str | None = None, trace_map: dict[str, list[str]] | None = None) -> None:
        pass


def _node_text(found: Any) -> str:
    node = getattr(found, "node", found)
    get_text = getattr(node, "get_text", None)
    return str(get_text() if callable(get_text) else getattr(node, "text", "") or "")


def _shown(payload: Any) -> Any:
    """A payload as a step shows it: its keys by their names, values as text where they
    are objects of LlamaIndex's."""
    if not isinstance(payload, dict):
        return payload
    return {
        getattr(key, "value", key): value
        if isinstance(value, (str, int, float, bool, list, dict))
        else str(value)
        for key, value in payload.items()
    }
