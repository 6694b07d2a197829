"""Chainlit's nested steps example (docs: api-reference/step-decorator), unchanged but
for the import."""

import chatsessions as cl


@cl.step
async def parent_step():
    await child_step()
    return "Parent step output"


@cl.step
async def child_step():
    return "Child step output"


@cl.on_chat_start
async def main():
    await parent_step()
