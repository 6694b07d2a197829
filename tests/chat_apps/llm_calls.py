"""Calls of the openai client through instrument_openai(), against the tests' own
OpenAI-compatible server (tests/fake_openai.py; its URL in FAKE_OPENAI_URL). A message's
first word says how: plain, stream, sync, syncstream, responses, rstream, mistral,
mistralstream (Mistral's client), weather (tools, under an agent step); the rest of it
reaches the model (fail 429, cut, forever...)."""

import json
import os

import openai

import chatsessions as cl

# The benchmark measures the same app without it (CHATSESSIONS_BENCH_PLAIN_OPENAI).
if not os.environ.get("CHATSESSIONS_BENCH_PLAIN_OPENAI"):
    cl.instrument_openai()
    cl.instrument_mistralai()

MODEL = "fake-gpt"
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "The weather in a city",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    }
]


def options() -> dict:
    return {
        "base_url": os.environ["FAKE_OPENAI_URL"],
        "api_key": "test",
        "max_retries": 0,
        "timeout": float(os.environ.get("FAKE_OPENAI_TIMEOUT", "10")),
    }


def sync_call(text: str, stream: bool) -> str:
    client = openai.OpenAI(**options())
    messages = [{"role": "user", "content": text}]
    if not stream:
        return client.chat.completions.create(model=MODEL, messages=messages).choices[0].message.content
    chunks = client.chat.completions.create(model=MODEL, messages=messages, stream=True)
    return "".join(chunk.choices[0].delta.content or "" for chunk in chunks if chunk.choices)


@cl.step(type="tool")
async def get_weather(city: str) -> str:
    if cl.user_session.get("slow_tool"):
        await cl.sleep(30)  # a Stop comes first
    return f"sunny in {city}"


async def weather(client: openai.AsyncOpenAI, text: str) -> str:
    messages = [{"role": "user", "content": text}]
    async with cl.Step(name="agent", type="run"):
        first = await client.chat.completions.create(model=MODEL, messages=messages, tools=TOOLS)
        call = first.choices[0].message.tool_calls[0]
        answer = await get_weather(**json.loads(call.function.arguments))
        messages += [first.choices[0].message.model_dump(exclude_none=True)]
        messages += [{"role": "tool", "tool_call_id": call.id, "content": answer}]
        second = await client.chat.completions.create(model=MODEL, messages=messages, tools=TOOLS)
        return second.choices[0].message.content


async def mistral(stream: bool, messages: list) -> str:
    """Mistral's client, on the same fake server (its API has the same shape)."""
    from mistralai.client import Mistral

    client = Mistral(api_key="test", server_url=os.environ["FAKE_OPENAI_URL"].removesuffix("/v1"))
    if not stream:
        return (await client.chat.complete_async(model=MODEL, messages=messages)).choices[0].message.content
    parts = []
    async for event in await client.chat.stream_async(model=MODEL, messages=messages):
        parts.extend(choice.delta.content or "" for choice in event.data.choices)
    return "".join(parts)


@cl.on_message
async def reply(message: cl.Message) -> None:
    how = message.content.partition(" ")[0]
    client = openai.AsyncOpenAI(**options())
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": message.content}]
    try:
        if how == "plain":  # the messages as a generator: read once, by the client too
            answer = await client.chat.completions.create(
                model=MODEL, messages=(message for message in messages), temperature=0.5
            )
            text = answer.choices[0].message.content
        elif how == "stream":
            shown = cl.Message("")
            stream = await client.chat.completions.create(
                model=MODEL, messages=messages, stream=True, stream_options={"include_usage": True}
            )
            async for chunk in stream:
                if chunk.choices and chunk.choices[0].delta.content:
                    await shown.stream_token(chunk.choices[0].delta.content)
            await shown.send()
            return
        elif how in ("sync", "syncstream"):
            text = await cl.make_async(sync_call)(message.content, how == "syncstream")
        elif how == "responses":
            text = (
                await client.responses.create(model=MODEL, input=message.content, instructions="Be brief.")
            ).output_text
        elif how == "rstream":
            parts = []
            async for event in await client.responses.create(model=MODEL, input=message.content, stream=True):
                if event.type == "response.output_text.delta":
                    parts.append(event.delta)
            text = "".join(parts)
        elif how in ("mistral", "mistralstream"):
            text = await mistral(how == "mistralstream", messages)
        elif how in ("weather", "slowweather"):
            cl.user_session.set("slow_tool", how == "slowweather")
            text = await weather(client, message.content)
        else:
            text = f"say how first, not {how!r}"
    except openai.OpenAIError as error:
        await cl.ErrorMessage(f"The model failed: {type(error).__name__}").send()
        return
    await cl.Message(text).send()
