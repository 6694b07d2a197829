"""The demo as a user runs it: manage.py demo serving daphne, a real WebSocket client."""

import asyncio
import json

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from chatsessions.live.outbox import frames_in
from chatsessions.testing import ChatClient


@pytest.fixture
def server(demo_server):
    return demo_server


def client(server, cookie=None):
    return ChatClient("default", server=server.base, cookie=cookie, start=False, timeout=10)


def test_the_demo_prints_its_login(server):
    assert f"password: {server.password}" in server.output()
    assert f"ws://127.0.0.1:{server.port}/ws/chat/" in server.output()


async def test_a_logged_in_user_counts_over_a_real_socket_and_resumes(server):
    cookie = server.login("alice")
    async with client(server, cookie) as chat:
        session = await chat.start()
        assert session["user"] == "alice"
        for n in range(1, 4):
            assert (await chat.send(f"hello {n}")).content == f"You sent {n} message(s)!"

    async with client(server, cookie) as chat:
        resumed = await chat.start(resume=session["id"])
        assert resumed["resumed"] is True
        assert [m["content"] for m in resumed["history"]][-1] == "You sent 3 message(s)!"
        assert (await chat.send("again")).content == "You sent 4 message(s)!"


async def test_two_users_on_the_real_server_count_separately(server):
    async with client(server, server.login("alice")) as first, client(server, server.login("bob")) as second:
        await first.start()
        await second.start()
        assert (await first.send("a")).content == "You sent 1 message(s)!"
        assert (await first.send("b")).content == "You sent 2 message(s)!"
        assert (await second.send("c")).content == "You sent 1 message(s)!"


async def test_a_socket_without_a_login_is_closed_4401(server):
    async with client(server) as chat:
        error = await chat.receive()
        assert error["code"] == "not_logged_in"
        assert await chat.closed() == 4401


async def test_a_socket_from_another_origin_is_refused_4003(server):
    # A browser on another site: ChatClient always sends the server's own Origin.
    headers = {"Origin": "http://evil.example", "Cookie": server.login("alice")}
    async with connect(f"ws://127.0.0.1:{server.port}/ws/chat/", additional_headers=headers) as refused:
        frame = frames_in(await refused.recv())[0]
        assert (frame["type"], frame["code"]) == ("error", "forbidden_origin")
        with pytest.raises(ConnectionClosed) as closed:
            await refused.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4003


async def test_a_socket_closed_while_its_handler_answers_leaves_the_chat_working(server):
    cookie = server.login("alice")
    async with client(server, cookie) as chat:
        session = await chat.start()
    for _ in range(5):  # the replies race the closing sockets
        async with client(server, cookie) as chat:
            await chat.start(resume=session["id"])
            await chat.send_later("bye")
    async with client(server, cookie) as chat:
        await chat.start(resume=session["id"])
        reply = await asyncio.wait_for(chat.send("still counting?"), 10)
        assert reply.content == "You sent 6 message(s)!"


async def test_a_chat_ended_yesterday_reopens_and_counts_on_but_only_for_its_owner(server):
    cookie = server.login("alice")
    async with client(server, cookie) as chat:
        session = await chat.start()
        assert (await chat.send("one")).content == "You sent 1 message(s)!"
        assert await chat.end() == 1000
    async with client(server, cookie) as chat:
        reopened = await chat.start(resume=session["id"])
        assert (reopened["id"], reopened["resumed"]) == (session["id"], True)
        assert (await chat.send("two")).content == "You sent 2 message(s)!"
        assert await chat.end() == 1000
    async with client(server, server.login("bob")) as other:
        await other.send_frame({"type": "start", "resume": session["id"]})
        assert (await other.receive())["code"] == "forbidden"
        assert await other.closed() == 4403
    other_app = ChatClient("assistant", server=server.base, cookie=cookie, start=False, timeout=10)
    async with other_app as chat:
        await chat.send_frame({"type": "start", "resume": session["id"]})
        assert (await chat.receive())["code"] == "forbidden"
        assert await chat.closed() == 4403


async def test_a_quick_handlers_frames_leave_as_one_websocket_message(server):
    """Task start, the reply and task end: one socket write, a JSON array, in order."""
    headers = {"Origin": server.base, "Cookie": server.login("alice")}
    async with connect(f"ws://127.0.0.1:{server.port}/ws/chat/", additional_headers=headers) as socket:
        await socket.send(json.dumps({"type": "start"}))
        while "session" not in [frame["type"] for frame in frames_in(await socket.recv())]:
            pass
        await socket.send(json.dumps({"type": "message", "content": "hello"}))
        reply = frames_in(await socket.recv())
        while "message" not in [frame["type"] for frame in reply]:
            reply = frames_in(await socket.recv())
    assert reply == [
        {"type": "task", "state": "start"},
        {**reply[1], "type": "message", "role": "assistant", "content": "You sent 1 message(s)!"},
        {"type": "task", "state": "end"},
    ]


async def test_a_new_chats_session_frame_leaves_with_its_quick_on_chat_start(server):
    """The counter's on_chat_start is sync: it runs in a thread, turns of the event loop
    after the session frame, and its task frames still leave with it, in one message."""
    headers = {"Origin": server.base, "Cookie": server.login("alice")}
    async with connect(f"ws://127.0.0.1:{server.port}/ws/chat/", additional_headers=headers) as socket:
        await socket.send(json.dumps({"type": "start"}))
        first = frames_in(await socket.recv())
    assert [frame["type"] for frame in first] == ["session", "task", "task"]
    assert [frame.get("state") for frame in first[1:]] == ["start", "end"]
