"""A chat app for the interactive APIs' edges: short timeouts, a stop or a resume while
a question waits, steps that fail or run in sync code, feedback, starters per profile."""

import chatsessions as cl


@cl.set_chat_profiles
async def profiles(user):
    return [
        cl.ChatProfile(name="Plain", default=True),
        cl.ChatProfile(
            name="Cook",
            starters=[cl.Starter(label="Soup", message="A soup for tonight?", icon="/static/soup.svg")],
        ),
    ]


@cl.set_starters
async def starters(user, language):
    return [cl.Starter(label=f"Hello as {user.get_username()}", message="hello")]


@cl.on_message
async def on_message(message: cl.Message):
    text = message.content
    if text.startswith("ask "):
        answer = await cl.AskUserMessage(content="Your answer?", timeout=float(text.split()[1])).send()
        await cl.Message(content=f"answered: {answer['output'] if answer else None}").send()
    elif text.startswith("choose "):
        answer = await cl.AskActionMessage(
            content="Which one?",
            actions=[
                cl.Action(name="pick", payload={"n": 1}, label="One"),
                cl.Action(name="pick", payload={"n": 2}, label="Two"),
            ],
            timeout=float(text.split()[1]),
        ).send()
        await cl.Message(content=f"chose: {answer['payload']['n'] if answer else None}").send()
    elif text == "buttons":
        await cl.Message(
            content="Press one",
            actions=[
                cl.Action(name="greet", payload={"who": "world"}, label="Greet", tooltip="Says hello"),
                cl.Action(name="nobody_listens", payload={}, label="Orphan"),
            ],
        ).send()
    elif text == "fail in a step":
        await failing()
    elif text == "stream a step":
        async with cl.Step(name="streamer", type="llm") as step:
            for token in ["a", "b", "c"]:
                await step.stream_token(token)
        await cl.Message(content="streamed").send()
    else:
        await cl.Message(content=f"echo: {text}").send()


@cl.action_callback("greet")
async def greet(action: cl.Action):
    count = cl.user_session.get("greetings", 0) + 1
    cl.user_session.set("greetings", count)
    await cl.Message(content=f"hello {action.payload['who']} ({count})").send()


@cl.step(type="tool")
async def failing():
    async with cl.Step(name="inner", type="retrieval") as inner:
        inner.output = "found nothing"
    raise ValueError("the tool broke")
