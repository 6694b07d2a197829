"""A demo assistant that shows profiles, settings, user env and streaming replies, the
interactive parts (starters, a step that looks something up, a question, buttons) and
files: a CSV attached or asked for is counted and charted. Its Model profile talks to a
real model (model.py), the default one when the environment names an endpoint."""

import asyncio
import csv
import io

from django.utils import timezone

import chatsessions as cl

from . import model

cl.declare_chat_settings(
    cl.Select(id="tone", label="Tone", values=["plain", "pirate", "shouting"], initial="plain"),
    cl.Switch(id="sign", label="Sign replies with my nickname", initial=False),
    cl.Slider(id="delay", label="Delay between tokens (ms)", initial=40, min=0, max=500, step=10),
)
cl.declare_user_env("NICKNAME")

TONES = {
    "plain": lambda text: text,
    "pirate": lambda text: f"Arr! {text}, matey.",
    "shouting": lambda text: text.upper(),
}


@cl.set_chat_profiles
def profiles(user):
    talks = cl.ChatProfile(
        name="Model",
        markdown_description=f"Talks to `{model.model_name()}`, with tools."
        if model.configured()
        else model.HOW_TO,
        default=model.configured(),
    )
    return [
        *([talks] if model.configured() else []),
        cl.ChatProfile(
            name="Echo",
            markdown_description="Repeats what you say, word by word.",
            default=not model.configured(),
        ),
        cl.ChatProfile(name="Counter", markdown_description="Counts the words you send."),
        *([] if model.configured() else [talks]),
    ]


@cl.set_starters
async def starters(user):
    return [
        cl.Starter(label="Look something up", message="look up Django Channels"),
        cl.Starter(label="Ask me my name", message="ask me my name"),
        cl.Starter(label="Show me the menu", message="show me the menu"),
        cl.Starter(label="Chart a CSV", message="chart a csv"),
    ]


@cl.on_chat_start
async def start():
    cl.user_session.set("words", 0)
    await cl.Message(f"Hello! Profile **{cl.user_session.get('chat_profile')}**. Ask me anything.").send()
    if cl.user_session.get("chat_profile") == "Model" and not model.configured():
        await cl.Message(model.HOW_TO).send()


@cl.on_chat_resume
async def resume():
    await cl.Message("Welcome back.").send()


@cl.on_settings_update
async def settings_changed(settings):
    await cl.Message(f"Tone is now *{settings['tone']}*.").send()


@cl.on_stop
async def stopped():
    await cl.Message("(stopped)").send()


FACTS = {
    "django channels": "Channels extends Django to WebSockets and other protocols.",
    "chainlit": "Chainlit builds chat apps in Python; this demo speaks its API.",
}


@cl.step(type="retrieval")
async def search(query: str):
    await cl.sleep(0.3)
    return FACTS.get(query.lower(), "nothing found")


@cl.step(type="tool", name="lookup")
async def look_up(query: str):
    return await search(query)


async def interactive(text: str) -> bool:
    """Runs what the starters ask for; returns False for any other message."""
    if text.lower().startswith("look up "):
        found = await look_up(text[len("look up ") :])
        await cl.Message(f"Here is what I found: {found}").send()
    elif text.lower() == "ask me my name":
        answer = await cl.AskUserMessage(content="What should I call you?", timeout=120).send()
        if answer is None:
            await cl.Message("No name, then.").send()
            return True
        keep = await cl.AskActionMessage(
            content=f"Shall I remember **{answer['output']}**?",
            actions=[
                cl.Action(name="remember", payload={"name": answer["output"]}, label="Yes"),
                cl.Action(name="forget", payload={}, label="No"),
            ],
        ).send()
        if keep and keep["name"] == "remember":
            cl.user_session.set("name", keep["payload"]["name"])
        await cl.Message(f"Nice to meet you, {answer['output']}.").send()
    elif text.lower() == "chart a csv":
        files = await cl.AskFileMessage(
            content="Which CSV? Drop it here or choose it.",
            accept=["text/csv", ".csv"],
            max_size_mb=5,
            timeout=300,
        ).send()
        if files is None:
            await cl.Message("No file, then.").send()
            return True
        await chart_csv(files[0].name, await asyncio.to_thread(files[0].read))
    elif text.lower() == "show me the menu":
        await cl.Message(
            "What next?",
            actions=[
                cl.Action(name="time", payload={}, label="What time is it?"),
                cl.Action(name="who", payload={}, label="Who am I?", tooltip="What this chat remembers"),
            ],
        ).send()
    else:
        return False
    return True


# A chart shows at most this many rows of a CSV.
CHART_ROWS = 500


def summarise(data: bytes) -> tuple[list[str], list[list[str]], int | None]:
    """A CSV's header, rows, and its first numeric column (None if none is)."""
    rows = [row for row in csv.reader(io.StringIO(data.decode("utf-8-sig", errors="replace"))) if row]
    header, body = (rows[0], rows[1:]) if rows else ([], [])

    def numeric(column: int) -> bool:
        values = [row[column] for row in body if len(row) > column and row[column]]
        try:
            for value in values:
                float(value)
        except ValueError:
            return False
        return bool(values)

    return header, body, next((column for column in range(len(header)) if body and numeric(column)), None)


async def chart_csv(name: str, data: bytes) -> None:
    """Counts a CSV's rows and charts its first numeric column (an interactive chart)."""
    header, body, column = await asyncio.to_thread(summarise, data)
    text = f"**{name}** has {len(body)} rows and {len(header)} columns: {', '.join(header) or 'none'}."
    if column is None:
        await cl.Message(text + " No column is all numbers, so there is nothing to chart.").send()
        return
    shown = body[:CHART_ROWS]
    labels = [row[0] if column else str(number) for number, row in enumerate(shown, 1)]
    values = [float(row[column]) if len(row) > column and row[column] else None for row in shown]
    figure = {
        "data": [
            {
                "type": "bar" if len(shown) <= 50 else "scatter",
                "x": labels,
                "y": values,
                "name": header[column],
            }
        ],
        "layout": {"title": {"text": f"{header[column]} by {header[0] if column else 'row'}"}},
    }
    await cl.Message(text, elements=[cl.Plotly(name=f"{header[column]} chart", figure=figure)]).send()


@cl.action_callback("time")
async def tell_the_time(action: cl.Action):
    await cl.Message(f"It is {timezone.now():%H:%M} UTC.").send()


@cl.action_callback("who")
async def tell_who(action: cl.Action):
    name = cl.user_session.get("name")
    await cl.Message(f"You are {name}." if name else "I don't know your name yet: ask me my name.").send()


async def talk() -> None:
    """The Model profile's answer; a model that fails says so (its step is marked)."""
    from openai import OpenAIError

    try:
        await model.answer()
    except OpenAIError as error:
        await cl.ErrorMessage(f"The model failed: {type(error).__name__}: {error}").send()


@cl.on_message
async def on_message(message: cl.Message):
    tables = [file for file in message.elements if file.mime == "text/csv"]
    for table in tables:
        await chart_csv(table.name, await asyncio.to_thread(table.read))
    if tables or await interactive(message.content):
        return
    if cl.user_session.get("chat_profile") == "Model" and model.configured():
        await talk()
        return
    settings = cl.user_session.get("chat_settings")
    words = message.content.split()
    cl.user_session.set("words", cl.user_session.get("words") + len(words))
    if cl.user_session.get("chat_profile") == "Counter":
        text = f"That was {len(words)} words; {cl.user_session.get('words')} in this chat."
    else:
        text = f"You said: {message.content}"
    text = TONES[settings["tone"]](text)
    nickname = cl.user_session.get("env").get("NICKNAME")
    if settings["sign"] and nickname:
        text += f" (for {nickname})"
    reply = cl.Message("")
    for token in text.split(" "):
        await reply.stream_token(token + " ")
        await asyncio.sleep(settings["delay"] / 1000)
    await reply.send()
