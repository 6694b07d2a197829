"""Chainlit's Text element example (docs: api-reference/elements/text), unchanged but
for the import."""

import chatsessions as cl


@cl.on_chat_start
async def start():
    text_content = "Hello, this is a text element."
    elements = [
        cl.Text(name="simple_text", content=text_content, display="inline")
    ]

    await cl.Message(
        content="Check out this message that contains a text element!",
        elements=elements,
    ).send()
