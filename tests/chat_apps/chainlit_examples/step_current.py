"""Chainlit's current-step example (docs: api-reference/step-decorator), unchanged but
for the import (and a handler that calls it)."""

import chatsessions as cl


@cl.step
async def my_step():
    current_step = cl.context.current_step

    # Override the input of the step
    current_step.input = "My custom input"

    # Override the output of the step
    current_step.output = "My custom output"


@cl.on_message
async def main(message: cl.Message):
    await my_step()
