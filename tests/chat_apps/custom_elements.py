"""A chat with custom elements (cl.CustomElement), for their refusals and edge cases:
its messages say what the handler saw."""

import asyncio

import chatsessions as cl


@cl.on_chat_start
async def start() -> None:
    counter = cl.CustomElement(name="Counter", props={"count": 1})
    notes = cl.Text(name="notes", content="not a custom element")
    await cl.Message(content="elements", elements=[counter, notes]).send()
    cl.user_session.set("counter", counter)


@cl.on_message
async def echo(message: cl.Message) -> None:
    if message.content == "bump":  # the handler changes the props itself
        counter = cl.user_session.get("counter")
        counter.props["count"] += 10
        await counter.update()
        await cl.Message(content=f"bumped to {counter.props['count']}").send()
    elif message.content.startswith("ask "):
        form = cl.CustomElement(name="JiraTicket", props={"fields": []})
        answer = await cl.AskElementMessage(
            content="fill it in", element=form, timeout=float(message.content[4:])
        ).send()
        await cl.Message(content=f"answer: {answer}").send()
    elif message.content.startswith("make "):
        cl.CustomElement(name=message.content[5:])  # an invalid name raises
    elif message.content == "likes":  # docs/handler-api.md's Likes
        await cl.Message(
            content="like it?", elements=[cl.CustomElement(name="Likes", props={"likes": 0})]
        ).send()
    elif message.content == "in a step":
        async with cl.Step(name="liked", type="tool") as step:
            step.elements = [cl.CustomElement(name="Likes", props={"likes": 5})]
            step.output = "a step with an element"
    elif message.content == "no module":
        await cl.Message(content="lost", elements=[cl.CustomElement(name="NoSuchElement")]).send()
    else:
        await cl.Message(content=f"echo: {message.content} ({message.command})").send()


@cl.action_callback("answer")
async def answer(action: cl.Action) -> dict:
    await cl.Message(content=f"payload {action.payload} for {action.forId}").send()
    return {"answer": 42, "payload": action.payload}


@cl.action_callback("fails")
async def fails(action: cl.Action) -> None:
    raise RuntimeError("the callback failed")


@cl.action_callback("slow")
async def slow(action: cl.Action) -> None:
    await asyncio.sleep(30)


@cl.action_callback("share")
async def share(action: cl.Action) -> None:
    await cl.Message(content=f"shared with {action.payload['likes']} likes").send()
