"""A chat app of sync handlers only: each reports where it ran."""

import asyncio
import sys
import threading

import chatsessions as cl


def _on_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


@cl.on_chat_start
def start() -> None:
    cl.user_session.set("thread", threading.get_ident())
    cl.user_session.set("seen", [])


@cl.on_message
def on_message(message: cl.Message) -> None:
    if message.content == "exit":
        sys.exit("a sync handler called sys.exit")
    seen = cl.user_session.get("seen")
    seen.append(message.content)
    where = "event loop" if _on_event_loop() else "worker thread"
    cl.run_sync(cl.Message(f"{where}: {','.join(seen)}").send())
