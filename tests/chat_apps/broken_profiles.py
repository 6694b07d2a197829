"""A chat app whose set_chat_profiles raises."""

import chatsessions as cl


@cl.set_chat_profiles
def profiles(user):
    raise RuntimeError("no profiles today")


@cl.on_message
async def reply(message: cl.Message) -> None:
    await cl.Message("ok").send()
