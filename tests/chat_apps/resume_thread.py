"""An app that rebuilds what it needs from the thread on_chat_resume is given, as
Chainlit apps do (memory from thread["steps"])."""

import chatsessions as cl
from chatsessions.step import StepDict
from chatsessions.types import ThreadDict
from chatsessions.utils import utc_now


@cl.on_message
async def echo(message: cl.Message) -> None:
    async with cl.Step(name="lookup", type="tool") as step:
        step.output = f"looked up {message.content}"
    note = cl.Text(name="note", content=f"noted {message.content}")
    await cl.Message(content=f"Echo: {message.content}", elements=[note]).send()


@cl.on_chat_resume
async def on_resume(thread: ThreadDict) -> None:
    steps: list[StepDict] = thread["steps"]
    said = [(step["type"], step["output"]) for step in steps]
    cl.user_session.set("resumed_at", utc_now())
    cl.user_session.set("thread", thread)
    await cl.Message(content=f"Resumed: {thread['name']} ({len(said)} steps): {said}").send()
