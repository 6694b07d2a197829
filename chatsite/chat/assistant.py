"""A demo assistant that shows profiles, settings, user env and streaming replies."""

import asyncio

import chatsessions as cl

cl.declare_chat_settings(
    cl.Select(id="tone", label="Tone", values=["plain", "pirate", "shouting"], initial="plain"),
    cl.Switch(id="sign", label="Sign replies with my nickname", initial=False),
    cl.Slider(id="delay", label="Delay between tokens (ms)", initial=40, min=0, max=500, step=10),
)
cl.declare_user_env("NICKNAME")

TONES = {
    "plain": lambda text: text,
    "pirate": lambda text: f"Arr! {text}, matey.",
    "shouting": lambda text: text.upper(),
}


@cl.set_chat_profiles
def profiles(user):
    return [
        cl.ChatProfile(name="Echo", markdown_description="Repeats what you say, word by word.", default=True),
        cl.ChatProfile(name="Counter", markdown_description="Counts the words you send."),
    ]


@cl.on_chat_start
async def start():
    cl.user_session.set("words", 0)
    await cl.Message(f"Hello! Profile **{cl.user_session.get('chat_profile')}**. Ask me anything.").send()


@cl.on_chat_resume
async def resume():
    await cl.Message("Welcome back.").send()


@cl.on_settings_update
async def settings_changed(settings):
    await cl.Message(f"Tone is now *{settings['tone']}*.").send()


@cl.on_stop
async def stopped():
    await cl.Message("(stopped)").send()


@cl.on_message
async def on_message(message: cl.Message):
    settings = cl.user_session.get("chat_settings")
    words = message.content.split()
    cl.user_session.set("words", cl.user_session.get("words") + len(words))
    if cl.user_session.get("chat_profile") == "Counter":
        text = f"That was {len(words)} words; {cl.user_session.get('words')} in this chat."
    else:
        text = f"You said: {message.content}"
    text = TONES[settings["tone"]](text)
    nickname = cl.user_session.get("env").get("NICKNAME")
    if settings["sign"] and nickname:
        text += f" (for {nickname})"
    reply = cl.Message("")
    for token in text.split(" "):
        await reply.stream_token(token + " ")
        await asyncio.sleep(settings["delay"] / 1000)
    await reply.send()
