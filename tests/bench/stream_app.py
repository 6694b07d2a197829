"""A chat app for the streaming benchmark: streams as many tokens as the message asks."""

import chatsessions as cl


@cl.on_message
async def stream(message: cl.Message):
    reply = cl.Message("")
    for n in range(int(message.content)):
        await reply.stream_token(f"t{n} ")
    await reply.send()
