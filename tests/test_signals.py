"""The signals a project connects to fire at the right moments, with the right arguments."""

import pytest

from chatsessions import signals
from chatsessions.models import ChatSession


@pytest.fixture
def received():
    events = []

    def receiver(signal, sender, **kwargs):
        events.append((signal, sender, kwargs))

    connected = [
        signals.session_started,
        signals.session_resumed,
        signals.session_ended,
        signals.message_received,
    ]
    for signal in connected:
        signal.connect(receiver, dispatch_uid="test")
    yield events
    for signal in connected:
        signal.disconnect(dispatch_uid="test")


def names(events):
    return [
        {
            signals.session_started: "started",
            signals.session_resumed: "resumed",
            signals.session_ended: "ended",
            signals.message_received: "message",
        }[signal]
        for signal, _, _ in events
    ]


async def test_a_chats_life_sends_each_signal_once(alice, sockets, received):
    chat = await sockets(alice)
    session = await chat.start()
    await chat.send("echo hi")
    await chat.close()
    again = await sockets(alice)
    await again.start(resume=session["id"])
    await again.send_frame({"type": "end"})
    await again.closed()
    assert names(received) == ["started", "message", "resumed", "ended"]
    for _, sender, kwargs in received:
        assert sender is ChatSession
        assert (kwargs["session_id"], kwargs["app"], kwargs["user"]) == (session["id"], "probe", alice)
    assert received[1][2]["message"].content == "echo hi"


async def test_a_failing_receiver_is_logged_and_the_chat_goes_on(alice, sockets, caplog):
    def broken(**kwargs):
        raise RuntimeError("receiver bug")

    signals.message_received.connect(broken, dispatch_uid="broken")
    try:
        chat = await sockets(alice)
        await chat.start()
        assert (await chat.send("count")).content == "1"
    finally:
        signals.message_received.disconnect(dispatch_uid="broken")
    assert "signal receiver" in caplog.text and "receiver bug" in caplog.text
