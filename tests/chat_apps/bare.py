"""A chat app that declares nothing but on_message, and answers only "ok"."""

import chatsessions as cl


@cl.on_message
async def reply(message: cl.Message) -> None:
    await cl.Message("ok").send()
