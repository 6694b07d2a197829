"""The demo assistant's model: any OpenAI-compatible endpoint (OpenAI, a local Ollama or
vLLM), set in the environment:

    CHATSITE_LLM_BASE_URL   the API's base URL, e.g. http://127.0.0.1:11434/v1 (Ollama),
                            https://api.openai.com/v1 (OpenAI)
    CHATSITE_LLM_MODEL      the model's name (default gpt-4o-mini)
    CHATSITE_LLM_API_KEY    its key, if it takes one

It streams its answer, keeps the chat's memory (cl.chat_context), and may call two
tools, each shown as a step; every call of the model is an `llm` step too
(cl.instrument_openai). A Stop cancels the handler, which closes the HTTP stream at once.
"""

from __future__ import annotations

import json
import os
from typing import Any

from django.utils import timezone

import chatsessions as cl

SYSTEM = (
    "You are the assistant of the chatsessions demo, a Django site. Be brief. Use the tools"
    " when they help: the time, and a lookup of what the site knows."
)
FACTS = {
    "django channels": "Channels extends Django to WebSockets and other protocols.",
    "chainlit": "Chainlit builds chat apps in Python; this demo speaks its API.",
    "chatsessions": "chatsessions brings Chainlit-style chat sessions to Django Channels.",
}
TOOLS: list[Any] = [
    {
        "type": "function",
        "function": {
            "name": "current_time",
            "description": "The current time, in UTC",
            "parameters": {"type": "object", "properties": {}},
        },
    },
    {
        "type": "function",
        "function": {
            "name": "look_up",
            "description": "What the site knows of a topic",
            "parameters": {
                "type": "object",
                "properties": {"topic": {"type": "string"}},
                "required": ["topic"],
            },
        },
    },
]
#: Rounds of tool calls before the model must answer.
MAX_ROUNDS = 4

HOW_TO = (
    "No model is set, so I echo. To talk to one, set `CHATSITE_LLM_BASE_URL` (an"
    " OpenAI-compatible API: OpenAI, or a local Ollama or vLLM), `CHATSITE_LLM_MODEL` and"
    " `CHATSITE_LLM_API_KEY` in the environment, and restart the demo."
)


def configured() -> bool:
    return bool(os.environ.get("CHATSITE_LLM_BASE_URL"))


def model_name() -> str:
    return os.environ.get("CHATSITE_LLM_MODEL") or "gpt-4o-mini"


@cl.step(type="tool")
async def current_time() -> str:
    return f"{timezone.now():%Y-%m-%d %H:%M} UTC"


@cl.step(type="tool")
async def look_up(topic: str = "") -> str:
    return FACTS.get(str(topic).lower().strip(), "nothing known of that")


async def call_tool(name: str, arguments: str) -> str:
    """Runs the tool the model named; a name or arguments it made up get an answer saying
    so (shown in a step of its own, as text)."""
    try:
        given = json.loads(arguments or "{}")
    except ValueError:
        given = None
    if name == "current_time":
        return await current_time()
    if name == "look_up" and isinstance(given, dict):
        return await look_up(str(given.get("topic", "")))
    said = f"there is no tool {name!r}"
    async with cl.Step(name="unknown tool", type="tool") as step:
        # As JSON, the page shows what the model made up as text, never as markup.
        step.input = {"name": name, "arguments": arguments}
        step.output = {"error": said}
    return said


async def answer() -> None:
    """Answers the chat so far, streaming; tool calls run as steps between rounds."""
    from openai import AsyncOpenAI

    cl.instrument_openai()
    client = AsyncOpenAI(
        base_url=os.environ["CHATSITE_LLM_BASE_URL"],
        api_key=os.environ.get("CHATSITE_LLM_API_KEY") or "none",
        max_retries=1,
        timeout=60,
    )
    messages: list[Any] = [{"role": "system", "content": SYSTEM}, *cl.chat_context.to_openai()]
    for _ in range(MAX_ROUNDS):
        reply = cl.Message("")
        calls: dict[int, dict[str, Any]] = {}
        stream = await client.chat.completions.create(
            model=model_name(),
            messages=messages,
            tools=TOOLS,
            stream=True,
            stream_options={"include_usage": True},
        )
        async for chunk in stream:
            delta = chunk.choices[0].delta if chunk.choices else None
            if delta is None:
                continue
            if delta.content:
                await reply.stream_token(delta.content)
            for piece in delta.tool_calls or []:
                call = calls.setdefault(piece.index, {"id": "", "name": "", "arguments": ""})
                call["id"] = piece.id or call["id"]
                if piece.function is not None:
                    call["name"] += piece.function.name or ""
                    call["arguments"] += piece.function.arguments or ""
        if not calls:
            await reply.send()
            return
        if reply.content:
            await reply.send()
        ordered = [calls[index] for index in sorted(calls)]
        messages.append(
            {
                "role": "assistant",
                "content": reply.content or None,
                "tool_calls": [
                    {
                        "id": c["id"],
                        "type": "function",
                        "function": {"name": c["name"], "arguments": c["arguments"]},
                    }
                    for c in ordered
                ],
            }
        )
        for call in ordered:
            result = await call_tool(call["name"], call["arguments"])
            messages.append({"role": "tool", "tool_call_id": call["id"], "content": result})
    await cl.Message("I called tools too many times; ask me again, more simply.").send()
