"""Chainlit's Pyplot element example (docs: api-reference/elements/pyplot), unchanged
but for the import."""

import matplotlib.pyplot as plt
import chatsessions as cl


@cl.on_chat_start
async def main():
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3, 4], [1, 4, 2, 3])

    elements = [
        cl.Pyplot(name="plot", figure=fig, display="inline"),
    ]
    await cl.Message(
        content="Here is a simple plot",
        elements=elements,
    ).send()
