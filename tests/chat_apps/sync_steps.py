"""Steps in sync code: the decorator on a sync function and `with cl.Step(...)`."""

import chatsessions as cl


@cl.step(type="tool")
def shout(word):
    return word.upper()


@cl.on_message
def on_message(message: cl.Message):
    with cl.Step(name="outer") as outer:
        outer.output = shout(message.content)
    cl.run_sync(cl.Message(content="done").send())
