"""The demo as a user runs it: manage.py demo serving daphne, a real WebSocket client."""

import asyncio
import json

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus


@pytest.fixture
def server(demo_server):
    return demo_server


def open_socket(server, cookie=None, origin=None):
    headers = {"Origin": origin or server.base}
    if cookie:
        headers["Cookie"] = cookie
    return connect(f"ws://127.0.0.1:{server.port}/ws/chat/", additional_headers=headers)


async def receive(socket, frame_type):
    while True:
        frame = json.loads(await socket.recv())
        if frame["type"] == frame_type:
            return frame


async def say(socket, content):
    await socket.send(json.dumps({"type": "message", "content": content}))
    return (await receive(socket, "message"))["content"]


def test_the_demo_prints_its_login(server):
    assert f"password: {server.password}" in server.output()
    assert f"ws://127.0.0.1:{server.port}/ws/chat/" in server.output()


async def test_a_logged_in_user_counts_over_a_real_socket_and_resumes(server):
    cookie = server.login("alice")
    async with open_socket(server, cookie) as socket:
        await socket.send(json.dumps({"type": "start"}))
        session = await receive(socket, "session")
        assert session["user"] == "alice"
        for n in range(1, 4):
            assert await say(socket, f"hello {n}") == f"You sent {n} message(s)!"

    async with open_socket(server, cookie) as socket:
        await socket.send(json.dumps({"type": "start", "resume": session["id"]}))
        resumed = await receive(socket, "session")
        assert resumed["resumed"] is True
        assert [m["content"] for m in resumed["history"]][-1] == "You sent 3 message(s)!"
        assert await say(socket, "again") == "You sent 4 message(s)!"


async def test_two_users_on_the_real_server_count_separately(server):
    alice, bob = server.login("alice"), server.login("bob")
    async with open_socket(server, alice) as first, open_socket(server, bob) as second:
        for socket in (first, second):
            await socket.send(json.dumps({"type": "start"}))
            await receive(socket, "session")
        assert await say(first, "a") == "You sent 1 message(s)!"
        assert await say(first, "b") == "You sent 2 message(s)!"
        assert await say(second, "c") == "You sent 1 message(s)!"


async def test_a_socket_without_a_login_is_closed_4401(server):
    async with open_socket(server) as socket:
        error = json.loads(await socket.recv())
        assert error["code"] == "not_logged_in"
        with pytest.raises(ConnectionClosed) as closed:
            await socket.recv()
        assert closed.value.rcvd.code == 4401


async def test_a_socket_from_another_origin_is_rejected(server):
    with pytest.raises(InvalidStatus) as rejected:
        async with open_socket(server, server.login("alice"), origin="http://evil.example"):
            pass
    assert rejected.value.response.status_code == 403


async def test_a_socket_closed_while_its_handler_answers_leaves_the_chat_working(server):
    cookie = server.login("alice")
    async with open_socket(server, cookie) as socket:
        await socket.send(json.dumps({"type": "start"}))
        session = await receive(socket, "session")
    for _ in range(5):  # the replies race the closing sockets
        async with open_socket(server, cookie) as socket:
            await socket.send(json.dumps({"type": "start", "resume": session["id"]}))
            await receive(socket, "session")
            await socket.send(json.dumps({"type": "message", "content": "bye"}))
    async with open_socket(server, cookie) as socket:
        await socket.send(json.dumps({"type": "start", "resume": session["id"]}))
        await receive(socket, "session")
        assert await asyncio.wait_for(say(socket, "still counting?"), 10) == "You sent 6 message(s)!"
