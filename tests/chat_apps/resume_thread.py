"""An app that rebuilds what it needs from the thread on_chat_resume is given, as
Chainlit apps do (memory from thread["steps"])."""

import chatsessions as cl


@cl.on_message
async def echo(message: cl.Message) -> None:
    async with cl.Step(name="lookup", type="tool") as step:
        step.output = f"looked up {message.content}"
    await cl.Message(content=f"Echo: {message.content}").send()


@cl.on_chat_resume
async def on_resume(thread: dict) -> None:
    said = [(step["type"], step["output"]) for step in thread["steps"]]
    cl.user_session.set("thread", thread)
    await cl.Message(content=f"Resumed: {thread['name']} ({len(said)} steps): {said}").send()
