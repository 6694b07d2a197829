"""Chainlit's example of the files attached to a message (docs: concepts/message,
"Receiving files"), unchanged but for the import."""

import chatsessions as cl


@cl.on_message
async def main(message: cl.Message):
    # Processing images exclusively
    images = [file for file in message.elements if "image" in file.mime]

    # Read the first image
    with open(images[0].path, "r") as f:
        pass

    await cl.Message(content=f"Received {len(images)} image(s)").send()
