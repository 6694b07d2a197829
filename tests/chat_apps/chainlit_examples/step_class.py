"""Chainlit's Step class example (docs: api-reference/step-class), unchanged but for the
import."""

import chatsessions as cl


@cl.on_message
async def main():
    async with cl.Step(name="Test") as step:
        # Step is sent as soon as the context manager is entered
        step.input = "hello"
        step.output = "world"

    # Step is updated when the context manager is exited
