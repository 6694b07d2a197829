"""Every way a client or a handler can be wrong gets an error frame; the chat goes on."""

import asyncio
import json

import pytest
from django.test import override_settings

from chatsessions.models import ChatMessage
from chatsessions.testing import ChatClient, HandlerError
from tests.conftest import eventually


@pytest.fixture
async def chat(alice, sockets):
    chat = await sockets(alice)
    await chat.start()
    assert (await chat.send("count")).content == "1"
    return chat


async def assert_chat_goes_on(chat, count):
    assert (await chat.send("count")).content == str(count)


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("{not json", "invalid_json"),
        ("[1, 2]", "invalid_frame"),
        ('{"content": "no type"}', "invalid_frame"),
        ('{"type": "shout"}', "unknown_type"),
        ('{"type": "message"}', "invalid_field"),
        ('{"type": "message", "content": 42}', "invalid_field"),
        ('{"type": "message", "content": "hi", "id": ""}', "invalid_field"),
        ('{"type": "message", "content": "hi", "id": "' + "x" * 65 + '"}', "invalid_field"),
        ('{"type": "settings", "values": [1]}', "invalid_field"),
        ('{"type": "start"}', "already_started"),
    ],
)
async def test_a_bad_frame_gets_an_error_and_the_chat_goes_on(chat, frame, code):
    await chat.send_frame(frame)
    error = await chat.receive()
    assert error["type"] == "error"
    assert error["code"] == code
    assert error["detail"]
    await assert_chat_goes_on(chat, 2)


async def test_a_binary_frame_is_refused(chat):
    await chat.send_frame(b"\x00\x01")
    assert (await chat.receive())["code"] == "binary_frame"
    await assert_chat_goes_on(chat, 2)


async def test_a_frame_over_the_size_limit_is_refused(chat):
    await chat.send_frame({"type": "message", "content": "é" * 3000})  # 6,000 bytes > 4,096
    error = await chat.receive()
    assert error == {"type": "error", "code": "frame_too_large", "detail": "frames are limited to 4096 bytes"}
    await assert_chat_goes_on(chat, 2)


async def test_a_flood_is_refused_beyond_the_pending_limit_and_loses_nothing_accepted(chat):
    await chat.send_frame({"type": "message", "content": "sleep 0.3"})
    for n in range(8):
        await chat.send_frame({"type": "message", "content": f"echo {n}"})
    frames = []
    while len([f for f in frames if f.get("state") == "end"]) < 6:
        frames.append(await chat.receive())
    errors = [f["code"] for f in frames if f["type"] == "error"]
    replies = [f["content"] for f in frames if f["type"] == "message"]
    assert errors == ["flood"] * 3
    assert replies == ["slept", "echo echo 0", "echo echo 1", "echo echo 2", "echo echo 3", "echo echo 4"]
    await assert_chat_goes_on(chat, 8)


async def test_a_handler_exception_is_reported_and_the_store_survives(chat):
    with pytest.raises(HandlerError) as raised:
        await chat.send("boom")
    assert isinstance(raised.value.__cause__, ValueError)  # the handler's own, in process
    assert chat.frames == [
        {"type": "error", "code": "handler_error", "detail": "on_message failed: ValueError: kaboom"}
    ]
    await assert_chat_goes_on(chat, 3)


@override_settings(DEBUG=False, CHATSESSIONS={"APPS": {"probe": "tests.chat_apps.probe"}})
async def test_handler_errors_hide_their_message_unless_exposed(alice, sockets):
    chat = await sockets(alice)
    await chat.start()
    with pytest.raises(HandlerError, match=r"^handler_error: on_message failed$"):
        await chat.send("boom")
    assert chat.frames == [{"type": "error", "code": "handler_error", "detail": "on_message failed"}]


async def test_an_undeclared_settings_value_is_refused_and_nothing_changes(chat):
    for values, detail in [
        ({"volume": 11}, "'volume' is not a declared setting"),
        ({"style": "whisper"}, "'style' must be one of ['plain', 'shouting']"),
        ({"emoji": "yes"}, "'emoji' must be true or false"),
        ({"temperature": 2}, "'temperature' must be a number from 0 to 1"),
        ({"limit": "three"}, "'limit' must be a number"),
        ({"style": "shouting", "signature": 7}, "'signature' must be text of at most 10000 characters"),
    ]:
        await chat.send_frame({"type": "settings", "values": values})
        assert await chat.receive() == {"type": "error", "code": "invalid_settings", "detail": detail}
    settings = json.loads((await chat.send("reserved")).content)["chat_settings"]
    assert settings == {"emoji": False, "limit": 3, "signature": "", "style": "plain", "temperature": 0.5}


async def test_a_failing_set_chat_profiles_is_reported_and_the_chat_starts_without_profiles(alice, sockets):
    socket = await sockets(alice, "/ws/chat/broken-profiles/")
    await socket.send_frame({"type": "start"})
    assert await socket.receive() == {
        "type": "error",
        "code": "handler_error",
        "detail": "set_chat_profiles failed: RuntimeError: no profiles today",
    }
    session = await socket.receive()
    assert (session["type"], session["profiles"], session["chat_profile"]) == ("session", [], None)
    assert (await socket.send("hi")).content == "ok"


async def test_stop_with_nothing_running_changes_nothing(chat):
    await chat.send_frame({"type": "stop"})
    await assert_chat_goes_on(chat, 2)


# -- the start of a chat: errors close the socket with a 4xxx code -------------------------------


async def refused(socket, frame):
    if frame is not None:
        await socket.send_frame(frame)
    frames = []
    code = None
    while code is None:
        try:
            frames.append(await socket.receive())
        except AssertionError as closed:
            code = closed.code
    return frames, code


async def test_a_first_frame_that_is_not_start_closes_4400(alice, sockets):
    socket = await sockets(alice)
    frames, code = await refused(socket, {"type": "message", "content": "hi"})
    assert code == 4400
    assert frames == [
        {"type": "error", "code": "start_required", "detail": "the first frame must be a start frame"}
    ]


async def test_no_start_within_the_timeout_closes_4400(alice, sockets):
    socket = await sockets(alice)
    frames, code = await refused(socket, None)
    assert (code, frames[0]["code"]) == (4400, "start_required")


@pytest.mark.parametrize(
    ("start", "code"),
    [
        ({"type": "start", "profile": "genius"}, "invalid_profile"),
        ({"type": "start", "profile": 3}, "invalid_field"),
        ({"type": "start", "env": {"API_KEY": 3}}, "invalid_field"),
        ({"type": "start", "env": ["API_KEY"]}, "invalid_field"),
        ({"type": "start", "resume": "not-a-session-id"}, "invalid_field"),
        ("{broken", "invalid_json"),
    ],
)
async def test_a_bad_start_closes_4400_with_the_reason(alice, sockets, start, code):
    socket = await sockets(alice)
    frames, close_code = await refused(socket, start)
    assert close_code == 4400
    assert [frame["code"] for frame in frames] == [code]


async def test_an_anonymous_socket_is_refused_4401(transactional_db):
    socket = ChatClient("probe", None, start=False)
    await socket.connect()
    frames, code = await refused(socket, None)
    assert (code, frames) == (4401, [{"type": "error", "code": "not_logged_in", "detail": "log in to chat"}])


@override_settings(CHATSESSIONS={"APPS": {"default": "chatsite.chat.counter"}, "ALLOW_ANONYMOUS": True})
async def test_anonymous_chats_work_when_allowed(transactional_db):
    socket = ChatClient("default", None, start=False)
    await socket.connect()
    session = await socket.start()
    assert session["user"] is None
    assert (await socket.send("hi")).content == "You sent 1 message(s)!"

    async def check():
        rows = ChatMessage.objects.filter(session_id=session["id"]).values("author")
        assert [row async for row in rows] == [{"author": "User"}, {"author": "Assistant"}]

    await eventually(check)
    await socket.close()


async def test_an_unknown_app_is_refused_4404(alice, sockets):
    socket = await sockets(alice, "/ws/chat/nonesuch/")
    frames, code = await refused(socket, None)
    assert code == 4404
    assert frames == [{"type": "error", "code": "unknown_app", "detail": "no chat app named 'nonesuch'"}]


@override_settings(CHATSESSIONS={"APPS": {"broken": "tests.chat_apps.does_not_exist"}})
async def test_an_app_whose_module_cannot_load_is_refused_4500(alice, sockets):
    socket = await sockets(alice, "/ws/chat/broken/")
    frames, code = await refused(socket, None)
    assert (code, frames[0]["code"]) == (4500, "app_unavailable")


async def test_sockets_after_a_refusal_do_not_disturb_other_chats(alice, bob, sockets):
    good = await sockets(alice)
    await good.start()
    bad = await sockets(bob)
    await refused(bad, "{broken")
    await asyncio.sleep(0)
    assert (await good.send("count")).content == "1"
