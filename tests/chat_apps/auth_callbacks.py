"""Auth callbacks that go wrong in every way a careless app's may, by username, and an
on_logout that records its calls (tests/test_accounts.py)."""

import time
from typing import Any

import chatsessions as cl

logged_out: list[Any] = []


@cl.password_auth_callback
def check(username: str, password: str) -> Any:
    if password != "right":
        return None
    if username == "raises":
        raise RuntimeError("the callback failed")
    if username == "slow":
        time.sleep(1)  # past the tests' AUTH_CALLBACK_TIMEOUT_SECONDS
        return cl.User(identifier="slow")
    if username == "junk":
        return {"identifier": "junk"}
    if username == "odd-metadata":
        return cl.User(identifier="odd", metadata={"when": object()})
    if username == "nameless":
        return cl.User(identifier="")
    return cl.User(identifier=username, display_name=username.title(), metadata={"from": "auth_callbacks"})


@cl.on_logout
def logout(request: Any, response: Any) -> None:
    logged_out.append((request.user.get_username() if request.user.is_authenticated else None, response))


@cl.on_message
async def whoami(message: cl.Message) -> None:
    user = cl.user_session.get("user")
    await cl.Message(content=f"{user.identifier} / {user.display_name} / {user.metadata}").send()
