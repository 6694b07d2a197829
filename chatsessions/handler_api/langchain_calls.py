"""`cl.LangchainCallbackHandler` / `cl.AsyncLangchainCallbackHandler`: LangChain's runs
as steps, as Chainlit's tracer shows them. Chains, agents, tools, retrievers and chat
models (a LangGraph graph's nodes too: they are chains) become nested steps: an `llm` step
with its ChatGeneration or CompletionGeneration, a `tool` step for a tool or a
retriever, a `run` step for an agent or the outermost chain. Runs named like
RunnableSequence, RunnableParallel, RunnableAssign, RunnableLambda or <lambda> are
left out (`to_ignore`), but their llm, tool, retriever, agent and chain children are
kept (`to_keep`), under the nearest run shown.

Pass it in a run's config: `await chain.ainvoke(inputs,
config=RunnableConfig(callbacks=[cl.LangchainCallbackHandler()]))`, or `astream`.
Both names are the same async tracer, as in Chainlit. Not ported from Chainlit's:
streaming the "Final Answer:" of old-style agents into a message of its own.

langchain-core is an optional extra (`chatsessions[langchain]`): it is imported when
this module is, which `chatsessions` does only when either name is first used.
"""

from __future__ import annotations

import time
from typing import Any

from django.utils import timezone
from langchain_core.load import dumpd
from langchain_core.messages import BaseMessage
from langchain_core.tracers.base import AsyncBaseTracer
from langchain_core.tracers.schemas import Run

from .generations import ChatGeneration, CompletionGeneration, GenerationMessage
from .steps import Step, open_steps

DEFAULT_TO_IGNORE = ["RunnableSequence", "RunnableParallel", "RunnableAssign", "RunnableLambda", "<lambda>"]
DEFAULT_TO_KEEP = ["retriever", "llm", "chat_model", "agent", "chain", "tool"]
#: A chat model's run is a "chat_model" run in the format this tracer asks for.
_MODEL_RUNS = ("llm", "chat_model")
_STEP_TYPES = {
    "agent": "run",
    "llm": "llm",
    "chat_model": "llm",
    "retriever": "tool",
    "tool": "tool",
    "embedding": "embedding",
}
_ROLES = {"human": "user", "ai": "assistant", "system": "system", "tool": "tool", "function": "function"}


def _message(message: Any) -> GenerationMessage:
    """A LangChain message (or its dump) as a generation's message."""
    if isinstance(message, dict) and "kwargs" in message:  # a dumped message
        kind = (
            str((message.get("id") or ["", "Human"])[-1])
            .removesuffix("Chunk")
            .removesuffix("Message")
            .lower()
        )
        fields = message["kwargs"]
        shown = GenerationMessage(role=_ROLES.get(kind, kind), content=fields.get("content", ""))
        calls = fields.get("tool_calls")
    elif isinstance(message, BaseMessage):
        shown = GenerationMessage(role=_ROLES.get(message.type, message.type), content=message.content)
        calls = getattr(message, "tool_calls", None)
    else:
        return GenerationMessage(role="user", content=str(message))
    if calls:
        shown["tool_calls"] = [
            {
                "id": call.get("id"),
                "type": "function",
                "function": {"name": call.get("name"), "arguments": call.get("args")},
            }
            for call in calls
        ]
    return shown


def _plain(value: Any) -> Any:
    """A run's inputs or outputs as JSON-like data (LangChain objects dumped)."""
    try:
        return dumpd(value)
    except Exception:
        return str(value)


class LangchainTracer(AsyncBaseTracer):
    """Shows a LangChain run's runs as steps, under the step open where it was made."""

    def __init__(
        self, to_ignore: list[str] | None = None, to_keep: list[str] | None = None, **kwargs: Any
    ) -> None:
        # Chainlit's final-answer streaming options are taken and not used.
        for option in ("answer_prefix_tokens", "stream_final_answer", "force_stream_final_answer"):
            kwargs.pop(option, None)
        # "original+chat": chat models' runs carry their messages (else their prompt text).
        super().__init__(_schema_format="original+chat", **kwargs)
        opened = open_steps()
        self.root_parent_id = opened[-1].id if opened else None
        self.to_ignore = DEFAULT_TO_IGNORE if to_ignore is None else to_ignore
        self.to_keep = DEFAULT_TO_KEEP if to_keep is None else to_keep
        self.steps: dict[str, Step] = {}
        self.parent_id_map: dict[str, str] = {}
        self.ignored_runs: set[str] = set()
        #: Per LLM run: when it started, and when its first token came.
        self.timings: dict[str, list[float | None]] = {}

    async def _persist_run(self, run: Run) -> None:
        pass

    # -- which runs show --------------------------------------------------------------------

    def _shown_parent(self, parent_id: str | None) -> str | None:
        """The nearest run above that shows, else where the tracer was made."""
        while parent_id in self.parent_id_map and parent_id in self.ignored_runs:
            parent_id = self.parent_id_map[parent_id]
        if parent_id is None or parent_id in self.ignored_runs:
            return self.root_parent_id
        return parent_id

    def _ignored(self, run: Run) -> tuple[bool, str | None]:
        """Whether the run is left out, and the step its step goes under."""
        parent_id = str(run.parent_run_id) if run.parent_run_id else self.root_parent_id
        if parent_id:
            self.parent_id_map[str(run.id)] = parent_id
        by_name = any(name in run.name for name in self.to_ignore)
        by_parent = parent_id in self.ignored_runs
        if by_parent and not by_name and run.run_type in self.to_keep:
            return False, self._shown_parent(parent_id)
        if by_name or by_parent:
            self.ignored_runs.add(str(run.id))
            return True, parent_id
        return False, parent_id

    # -- the runs ---------------------------------------------------------------------------

    async def _on_run_create(self, run: Run) -> None:
        ignored, parent_id = self._ignored(run)
        if run.run_type in _MODEL_RUNS:
            self.timings[str(run.id)] = [time.monotonic(), None]
        if ignored:
            return
        step_type = _STEP_TYPES.get(
            run.run_type, "run" if run.run_type == "chain" and not self.steps else "undefined"
        )
        step = Step(id=str(run.id), name=run.name, type=step_type, parent_id=parent_id)
        step.start = timezone.now()
        step.tags = run.tags
        if step_type != "llm":
            step.input = _plain(run.inputs)
        self.steps[str(run.id)] = step
        await step.send()

    async def _on_llm_new_token(self, run: Run, token: Any, chunk: Any) -> None:
        timing = self.timings.get(str(run.id))
        if timing is not None and timing[1] is None:
            timing[1] = time.monotonic()

    async def _on_run_update(self, run: Run) -> None:
        """A run ended, or failed."""
        step = self.steps.pop(str(run.id), None)
        timing = self.timings.pop(str(run.id), None)
        if step is None:
            return
        step.end = timezone.now()
        if run.error:
            step.is_error = True
            step.output = run.error
        elif run.run_type in _MODEL_RUNS:
            self._generation(step, run, timing)
        else:
            outputs = run.outputs or {}
            step.output = outputs.get("output", outputs) if isinstance(outputs, dict) else outputs
            step.output = _plain(step.output) if not isinstance(step.output, str) else step.output
        await step.update()

    def _generation(self, step: Step, run: Run, timing: list[float | None] | None) -> None:
        outputs = run.outputs or {}
        generations = outputs.get("generations") or [[]]
        first = generations[0][0] if generations and generations[0] else {}
        text = first.get("text", "") if isinstance(first, dict) else ""
        completion_message = first.get("message") if isinstance(first, dict) else None
        usage = (outputs.get("llm_output") or {}).get("token_usage") or {}
        params = (run.extra or {}).get("invocation_params") or {}
        model = next(
            (params[key] for key in ("model", "model_name", "deployment_name") if key in params), None
        )
        settings = {
            key: value for key, value in params.items() if not key.endswith("api_key") and key != "_type"
        }
        started, first_token = timing or (None, None)
        common: dict[str, Any] = {
            "provider": params.get("_type") or "langchain",
            "model": model,
            "settings": _plain(settings),
            "input_token_count": usage.get("prompt_tokens"),
            "output_token_count": usage.get("completion_tokens"),
            "token_count": usage.get("total_tokens"),
            "tt_first_token": round((first_token - started) * 1000, 3) if started and first_token else None,
            "duration": round(time.monotonic() - started, 6) if started else None,
        }
        messages = (run.inputs or {}).get("messages")
        if messages:
            completion = (
                _message(completion_message)
                if completion_message
                else GenerationMessage(role="assistant", content=text)
            )
            step.generation = ChatGeneration(
                messages=[_message(message) for message in messages[0]],
                message_completion=completion,
                **common,
            )
            step.output = completion.get("content") or completion.get("tool_calls") or ""
        else:
            prompts = (run.inputs or {}).get("prompts") or [""]
            step.generation = CompletionGeneration(prompt=str(prompts[0]), completion=text, **common)
            step.output = text


LangchainCallbackHandler = LangchainTracer
AsyncLangchainCallbackHandler = LangchainTracer
