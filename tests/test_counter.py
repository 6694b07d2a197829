"""Chainlit's counter example, run verbatim, with users and tabs chatting at once."""

import asyncio

from chatsessions.models import ChatMessage
from tests.conftest import eventually


async def test_counter_counts_the_messages_of_its_chat(alice, sockets):
    chat = await sockets(alice, "/ws/chat/")
    await chat.start()
    for n in range(1, 4):
        assert (await chat.send(f"hello {n}")).content == f"You sent {n} message(s)!"


async def test_two_users_never_share_a_counter(alice, bob, sockets):
    alice_chat = await sockets(alice, "/ws/chat/")
    bob_chat = await sockets(bob, "/ws/chat/")
    await asyncio.gather(alice_chat.start(), bob_chat.start())
    for n in range(1, 4):
        replies = await asyncio.gather(alice_chat.send("hi"), bob_chat.send("hi"))
        assert [reply.content for reply in replies] == [f"You sent {n} message(s)!"] * 2
    assert (await alice_chat.send("one more")).content == "You sent 4 message(s)!"
    assert (await bob_chat.send("and me")).content == "You sent 4 message(s)!"


async def test_two_tabs_of_one_user_count_separately(alice, sockets):
    first_tab = await sockets(alice, "/ws/chat/")
    second_tab = await sockets(alice, "/ws/chat/")
    first, second = await asyncio.gather(first_tab.start(), second_tab.start())
    assert first["id"] != second["id"]
    await first_tab.send("a")
    await first_tab.send("b")
    assert (await second_tab.send("c")).content == "You sent 1 message(s)!"
    assert (await first_tab.send("d")).content == "You sent 3 message(s)!"


async def test_many_concurrent_chats_each_count_their_own(make_user, sockets):
    users = [await make_user(f"user{i}") for i in range(10)]
    chats = [await sockets(user, "/ws/chat/") for user in users]
    await asyncio.gather(*(chat.start() for chat in chats))

    async def chat_five_times(chat):
        return [(await chat.send(f"message {n}")).content for n in range(5)]

    transcripts = await asyncio.gather(*(chat_five_times(chat) for chat in chats))
    expected = [f"You sent {n} message(s)!" for n in range(1, 6)]
    assert transcripts == [expected] * 10


async def test_the_transcript_keeps_both_sides_in_order(alice, sockets):
    chat = await sockets(alice, "/ws/chat/")
    session = await chat.start()
    await chat.send("first")
    await chat.send("second")

    async def check():
        rows = [
            (row.role, row.author, row.content)
            async for row in ChatMessage.objects.filter(session_id=session["id"]).order_by("sequence")
        ]
        assert rows == [
            ("user", "alice", "first"),
            ("assistant", "Assistant", "You sent 1 message(s)!"),
            ("user", "alice", "second"),
            ("assistant", "Assistant", "You sent 2 message(s)!"),
        ]

    await eventually(check)
