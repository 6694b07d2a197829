"""user_session: per-chat keys, reserved keys, the dict-like API and its errors."""

import json

import pytest

import chatsessions as cl
from chatsessions.handler_api.session import RESERVED_KEYS


def test_user_session_outside_a_chat_says_where_it_works():
    with pytest.raises(cl.NoActiveChatError, match="only available while a chat handler runs"):
        cl.user_session.get("counter")
    with pytest.raises(cl.NoActiveChatError):
        cl.user_session.set("counter", 1)


async def test_message_send_outside_a_chat_says_where_it_works():
    with pytest.raises(cl.NoActiveChatError):
        await cl.Message("hello").send()


async def test_reserved_keys_hold_what_the_framework_knows(alice, sockets):
    chat = await sockets(alice)
    session = await chat.start(profile="fast", env={"API_KEY": "sk-secret", "OTHER": "dropped"})
    values = json.loads((await chat.send("reserved")).content)
    assert values == {
        "id": session["id"],
        "user": "alice",
        "chat_profile": "fast",
        "chat_settings": {"emoji": False, "limit": 3, "signature": "", "style": "plain", "temperature": 0.5},
        "env": {"API_KEY": "sk-secret"},
        "root_message": "reserved",
    }


@pytest.mark.parametrize("key", sorted(RESERVED_KEYS))
async def test_setting_a_reserved_key_is_refused_with_what_to_use_instead(key, alice, sockets):
    chat = await sockets(alice)
    await chat.start()
    reply = (await chat.send(f"set {key}=x")).content
    assert reply == f"refused: user_session key {key!r} is reserved and read-only: {RESERVED_KEYS[key]}"


async def test_keys_lists_reserved_and_own_keys(alice, sockets):
    chat = await sockets(alice)
    await chat.start()
    await chat.send("set colour=blue")
    assert (await chat.send("keys")).content.split(",") == [
        "id",
        "user",
        "chat_profile",
        "chat_settings",
        "env",
        "root_message",
        "count",
        "colour",
    ]


async def test_get_of_a_missing_key_returns_the_default(alice, sockets):
    chat = await sockets(alice)
    await chat.start()
    assert (await chat.send("get nothing-here")).content == "None"


async def test_two_chats_never_see_each_others_keys(alice, bob, sockets):
    alice_chat, bob_chat = await sockets(alice), await sockets(bob)
    await alice_chat.start()
    await bob_chat.start()
    await alice_chat.send("set secret=alice's")
    assert (await bob_chat.send("get secret")).content == "None"
    assert (await alice_chat.send("get secret")).content == '"alice\'s"'


async def test_sync_handlers_run_in_a_worker_thread_and_see_their_chat(alice, bob, sockets):
    alice_chat = await sockets(alice, "/ws/chat/sync/")
    bob_chat = await sockets(bob, "/ws/chat/sync/")
    await alice_chat.start()
    await bob_chat.start()
    assert (await alice_chat.send("a1")).content == "worker thread: a1"
    assert (await bob_chat.send("b1")).content == "worker thread: b1"
    assert (await alice_chat.send("a2")).content == "worker thread: a1,a2"


async def test_item_access_contains_and_del_work_like_a_dict(alice, sockets):
    chat = await sockets(alice)
    await chat.start()
    assert (await chat.send("item colour=blue")).content == "colour=blue"
    assert (await chat.send("has colour")).content == "True"
    assert (await chat.send("has id")).content == "True"
    assert (await chat.send("del colour")).content == "deleted"
    assert (await chat.send("has colour")).content == "False"
    assert (await chat.send("del colour")).content == "KeyError: 'colour'"


async def test_reserved_keys_cannot_be_deleted(alice, sockets):
    chat = await sockets(alice)
    await chat.start()
    assert (await chat.send("del env")).content == (
        f"ReservedKeyError: user_session key 'env' is reserved and read-only: {RESERVED_KEYS['env']}"
    )


async def test_to_dict_is_a_copy_with_the_reserved_keys(alice, sockets):
    chat = await sockets(alice)
    await chat.start()
    assert (await chat.send("dict")).content == (
        "['chat_profile', 'chat_settings', 'count', 'env', 'id', 'root_message', 'user'] count=1"
    )


async def test_on_chat_resume_is_given_the_chat_as_chainlits_thread(chat_user):
    from chatsessions.testing import ChatClient

    async with ChatClient("tests.chat_apps.resume_thread", user=chat_user) as chat:
        await chat.send("hi")
        session_id = chat.session_id
        await chat.reconnect()
        resumed = chat.history[-1].content
        thread = chat.user_session["thread"]
    said = "[('user_message', 'hi'), ('tool', 'looked up hi'), ('assistant_message', 'Echo: hi')]"
    assert resumed == f"Resumed: hi (3 steps): {said}"
    assert (thread["id"], thread["name"], thread["userIdentifier"]) == (
        session_id,
        "hi",
        chat_user.get_username(),
    )
    user_step, tool, reply = thread["steps"]
    assert (user_step["name"], user_step["threadId"], user_step["parentId"]) == (
        chat_user.get_username(),
        session_id,
        None,
    )
    assert tool["name"] == "lookup" and reply["type"] == "assistant_message" and thread["createdAt"]
    (note,) = thread["elements"]
    assert (note["name"], note["forId"], note["threadId"], note["type"]) == (
        "note",
        reply["id"],
        session_id,
        "text",
    )


def test_utc_now_is_chainlits_form():
    import re

    from chatsessions.utils import utc_now

    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z", utc_now())
