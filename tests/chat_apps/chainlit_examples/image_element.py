"""Chainlit's Image element example (docs: api-reference/elements/image), unchanged but
for the import; it reads ./cat.jpeg from the working directory."""

import chatsessions as cl


@cl.on_chat_start
async def start():
    image = cl.Image(path="./cat.jpeg", name="image1", display="inline")

    # Attach the image to the message
    await cl.Message(
        content="This message has an image!",
        elements=[image],
    ).send()
