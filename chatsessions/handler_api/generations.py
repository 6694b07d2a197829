"""What an LLM call was, as Chainlit records it on an `llm` step (`step.generation`): the
model and its settings, the prompt (messages or text), the completion, the token counts
and timings, the error. Chainlit takes these classes from literalai; here they are plain
dataclasses with the same fields, kept with the step in the transcript (the page gets a
summary, frames.step). instrument_openai() fills them for every call of the openai client.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, TypedDict


class GenerationMessage(TypedDict, total=False):
    """One message of a chat generation's prompt or its completion."""

    role: str  # "user", "assistant", "tool", "function", "system", "developer"
    content: Any
    name: str
    tool_calls: list[dict[str, Any]]
    tool_call_id: str
    function_call: dict[str, Any]


@dataclass
class BaseGeneration:
    """The fields every generation has (literalai's BaseGeneration)."""

    provider: str | None = "unknown"
    model: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    variables: dict[str, Any] | None = None
    tags: list[str] | None = None
    tools: list[dict[str, Any]] | None = None
    id: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    prompt_id: str | None = None
    input_token_count: int | None = None
    output_token_count: int | None = None
    token_count: int | None = None
    #: Milliseconds from the call to its first token (streamed calls).
    tt_first_token: float | None = None
    #: Output tokens per second.
    token_throughput: float | None = None
    #: Seconds the call took.
    duration: float | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The generation as JSON (what cannot be JSON becomes its text)."""
        loaded: dict[str, Any] = json.loads(json.dumps(asdict(self), default=str))
        return loaded


@dataclass
class ChatGeneration(BaseGeneration):
    """A chat model's call: messages in, one message out."""

    messages: list[GenerationMessage] = field(default_factory=list)
    message_completion: GenerationMessage | None = None
    type: str = "CHAT"


@dataclass
class CompletionGeneration(BaseGeneration):
    """A text completion's call: a prompt in, text out."""

    prompt: str | None = None
    completion: str | None = None
    type: str = "COMPLETION"
