"""A chat app whose on_message runs the command it is sent, to drive every feature."""

import asyncio
import json
import os
import sys
import threading

import chatsessions as cl

#: Session ids whose on_chat_end ran, in order: tests check it runs once per chat.
ended: list[str] = []
#: Where worker processes also log it ("<session id> <pid>" a line), for tests across processes.
END_LOG = os.environ.get("CHATSESSIONS_TEST_END_LOG")

cl.declare_chat_settings(
    cl.Select(id="style", label="Style", values=["plain", "shouting"], initial="plain"),
    cl.Switch(id="emoji", label="Emoji", initial=False),
    cl.Slider(id="temperature", label="Temperature", initial=0.5, min=0, max=1, step=0.1),
    cl.TextInput(id="signature", label="Signature", initial=""),
    cl.NumberInput(id="limit", label="Limit", initial=3),
)
cl.declare_user_env("API_KEY")


@cl.set_chat_profiles
async def profiles(user):
    return [
        cl.ChatProfile(name="fast", markdown_description="Quick answers"),
        cl.ChatProfile(name="smart", markdown_description="Careful answers", default=True),
    ]


@cl.on_chat_start
async def start() -> None:
    cl.user_session.set("count", 0)


@cl.on_chat_resume
async def resume() -> None:
    await cl.Message(f"resumed at {cl.user_session.get('count')}").send()


@cl.on_settings_update
async def settings_changed(settings: dict) -> None:
    await cl.Message(f"settings {json.dumps(settings, sort_keys=True)}").send()


@cl.on_stop
async def stopped() -> None:
    await cl.Message("stopped").send()


@cl.on_chat_end
def end() -> None:
    ended.append(cl.user_session.get("id"))
    if END_LOG:
        with open(END_LOG, "a") as log:
            log.write(f"{cl.user_session.get('id')} {os.getpid()}\n")


async def _say(text: str) -> None:
    await cl.Message(text).send()


@cl.on_message
async def on_message(message: cl.Message) -> None:
    command, _, argument = message.content.partition(" ")
    cl.user_session.set("count", cl.user_session.get("count", 0) + 1)
    if command == "count":
        await _say(str(cl.user_session.get("count")))
    elif command == "reserved":
        values = {key: cl.user_session.get(key) for key in ("id", "chat_profile", "chat_settings", "env")}
        values["user"] = str(cl.user_session.get("user"))
        values["root_message"] = cl.user_session.get("root_message").content
        await _say(json.dumps(values, sort_keys=True))
    elif command == "set":
        key, _, value = argument.partition("=")
        try:
            cl.user_session.set(key, value)
        except cl.ReservedKeyError as error:
            await _say(f"refused: {error}")
        else:
            await _say(f"{key} set")
    elif command == "get":
        await _say(repr(cl.user_session.get(argument)))
    elif command == "item":
        key, _, value = argument.partition("=")
        cl.user_session[key] = value
        await _say(f"{key}={cl.user_session[key]}")
    elif command == "has":
        await _say(str(argument in cl.user_session))
    elif command == "del":
        try:
            del cl.user_session[argument]
        except KeyError as error:
            await _say(f"{type(error).__name__}: {error}")
        else:
            await _say("deleted")
    elif command == "dict":
        copy = cl.user_session.to_dict()
        copy["count"] = -1  # a copy: the store keeps its own value
        await _say(f"{sorted(copy)} count={cl.user_session.get('count')}")
    elif command == "keys":
        await _say(",".join(cl.user_session.keys()))
    elif command == "lock":
        cl.user_session.set("lock", threading.Lock())
        await _say("locked")
    elif command == "boom":
        raise ValueError("kaboom")
    elif command == "exit":
        sys.exit(3)
    elif command == "interrupt":
        raise KeyboardInterrupt
    elif command == "cancel":
        raise asyncio.CancelledError
    elif command == "author":  # a reply signed by the argument
        await cl.Message("signed", author=argument).send()
    elif command == "unstorable":
        await cl.Message("bad \ud800 and \x00", author=argument or "Assistant").send()
    elif command == "copy-env":
        cl.user_session.set("key_copy", cl.user_session.get("env").get("API_KEY"))
        cl.user_session.set("nested", {"keys": [cl.user_session.get("env").get("API_KEY")]})
        await _say("copied")
    elif command == "spew":  # argument KiB of stream frames, none kept in the transcript
        stream = cl.Message("")
        for _ in range(int(argument)):
            await stream.stream_token("x" * 1024)
            stream.content = ""
        await _say("spewed")
    elif command == "sleep":
        await asyncio.sleep(float(argument))
        await _say("slept")
    elif command == "stream":
        reply = cl.Message("")
        for token in argument.split():
            await reply.stream_token(token + " ")
        await reply.send()
    elif command == "update":
        reply = await cl.Message("draft").send()
        reply.content = "final"
        await reply.update()
    elif command == "remove":
        reply = await cl.Message("short-lived").send()
        await reply.remove()
    elif command == "error":  # an error shown as one
        await cl.ErrorMessage(argument).send()
    elif command == "title":
        cl.set_title(argument)
        await _say("titled")
    else:
        await _say(f"echo {message.content}")
