"""A LiveChat's life as one state, driven through a socket stand-in (the network's edge)."""

import pytest

from chatsessions.handler_api.registry import load_app
from chatsessions.live.chat import LiveChat, live_chats
from chatsessions.live.life import State
from chatsessions.models import ChatSession
from chatsessions.wire.frames import CloseCode

pytestmark = pytest.mark.django_db(transaction=True)


class Socket:
    """Records what a chat sends and how it closes the socket."""

    def __init__(self, holds=True):
        self.frames, self.closed_with, self.holds = [], None, holds

    async def send_frame(self, frame):
        self.frames.append(frame)

    async def close_socket(self, code):
        self.closed_with = code

    async def login_holds(self, logged_out_session=None):
        return self.holds


async def live_chat(user):
    row = await ChatSession.objects.acreate(owner=user, app="probe")
    return LiveChat(row, load_app("tests.chat_apps.probe"), user, {}, next_sequence=1)


async def test_live_disconnected_live_then_ended_once(alice):
    chat = await live_chat(alice)
    first, second = Socket(), Socket()
    await chat.attach(first)
    assert chat.state is State.LIVE and chat.accepting
    await chat.detach(first)
    assert chat.state is State.DISCONNECTED and chat.accepting
    assert (await ChatSession.objects.aget(pk=chat.id)).status == "disconnected"
    await chat.attach(second)
    await chat.attach(first)  # a newer socket takes the chat: the one before is closed
    assert (chat.state, second.closed_with) == (State.LIVE, CloseCode.RESUMED_ELSEWHERE)
    chat.end()
    assert chat.state is State.ENDING and not chat.accepting
    chat.end()  # a second end changes nothing
    await chat.jobs.idle()
    assert (chat.state, first.closed_with) == (State.ENDED, CloseCode.NORMAL)
    assert chat.id not in live_chats
    assert (await ChatSession.objects.aget(pk=chat.id)).status == "ended"


async def test_a_hand_over_leaves_without_on_chat_end(alice):
    chat = await live_chat(alice)
    socket = Socket()
    await chat.attach(socket)
    await chat.hand_over()
    assert (chat.state, socket.closed_with) == (State.HANDED_OVER, CloseCode.RESUMED_ELSEWHERE)
    assert (await ChatSession.objects.aget(pk=chat.id)).status == "live"  # resumable elsewhere


async def test_a_lost_login_ends_the_chat_4401(alice):
    chat = await live_chat(alice)
    socket = Socket(holds=False)
    await chat.attach(socket)
    await chat.chat_recheck({})
    assert chat.state is State.ENDING
    await chat.jobs.idle()
    assert socket.frames[0]["code"] == "not_logged_in"
    assert (chat.state, socket.closed_with) == (State.ENDED, CloseCode.NOT_LOGGED_IN)
