"""CopilotFunction calls that go wrong, by message (tests/test_copilot.py)."""

import chatsessions as cl


@cl.on_message
async def call(message: cl.Message) -> None:
    timeout = 0.3 if message.content == "slow" else 5
    try:
        result = await cl.CopilotFunction(name=message.content, args={}, timeout=timeout).acall()
    except cl.CopilotFunctionError as error:
        await cl.Message(f"refused: {error}").send()
    else:
        await cl.Message(f"result: {result!r}").send()


@cl.on_window_message
async def slow_post(data: object) -> None:
    await cl.sleep(0.3)
    await cl.send_window_message(f"got {data}")
