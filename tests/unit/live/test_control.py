"""Control events on the in-memory channel layer: one group for every chat, however many
are live, and each listener serves only the chats that joined through it."""

from __future__ import annotations

import asyncio
from typing import Any

from channels.layers import get_channel_layer

from chatsessions.live import control


class Served:
    """What a listener handed on: the session ids of its events, in order."""

    def __init__(self) -> None:
        self.session_ids: list[str] = []

    async def __call__(self, event: dict[str, Any]) -> None:
        self.session_ids.append(event["session_id"])

    async def until(self, count: int) -> list[str]:
        for _ in range(500):
            if len(self.session_ids) >= count:
                return self.session_ids
            await asyncio.sleep(0.01)
        raise AssertionError(f"{self.session_ids} served, not {count} events")


async def test_chats_share_one_group_and_each_listener_serves_only_its_own_chats() -> None:
    layer = get_channel_layer()
    groups_before = set(layer.groups)
    first, second = Served(), Served()
    one, other = control.Listener(first), control.Listener(second)
    # The layer walks every group at each group_send and receive: a group per chat would
    # make every event the dearer the more chats are live.
    for number in range(50):
        await one.join(f"chat-{number}")
    await other.join("chat-other")
    assert set(layer.groups) - groups_before <= {control.LOCAL_GROUP}
    assert {one.channel, other.channel} <= set(layer.groups[control.LOCAL_GROUP])

    await control.aretitle("chat-other", "for the other listener")
    await control.aretitle("chat-7", "for the first")
    await control.aretitle("chat-unknown", "for nobody")
    await control.aretitle("chat-7", "the first's last")
    # The first listener reads its channel in order: by its second event, it has passed
    # over the other listener's and nobody's.
    assert await first.until(2) == ["chat-7", "chat-7"]
    assert await second.until(1) == ["chat-other"]

    await one.leave("chat-7")
    assert one.channel in layer.groups[control.LOCAL_GROUP]  # chat-0 and the rest still lead here
    await control.aretitle("chat-7", "after it left")
    await control.aretitle("chat-3", "still here")
    assert await first.until(3) == ["chat-7", "chat-7", "chat-3"]
    for listener in (one, other):
        assert listener._task is not None
        listener._task.cancel()
        await layer.group_discard(control.LOCAL_GROUP, listener.channel)


def test_each_control_event_is_served_by_the_live_chat_method_of_its_name() -> None:
    """A new control action is a function that sends it and one LiveChat method."""
    import inspect

    from chatsessions.live.chat import LiveChat

    for kind in (control.END, control.NOTICE, control.RELEASE, control.RETITLE, control.RECHECK):
        name = control.handler_name(kind)
        assert name is not None and inspect.iscoroutinefunction(getattr(LiveChat, name, None)), kind


def test_an_event_type_outside_chat_names_no_method() -> None:
    for kind in ("chat.__init__", "chat._leave", "chat.end.x", "chat.", "websocket.send", "", 5, None):
        assert control.handler_name(kind) is None, kind


async def test_an_event_no_chat_serves_is_logged_and_ignored(caplog) -> None:
    class Chat:
        served: list[str] = []

        async def chat_end(self, event: dict[str, Any]) -> None:
            self.served.append(event["type"])

    chat = Chat()
    await control.dispatch({"type": "chat.nothing", "session_id": "s"}, lambda session_id: chat)
    await control.dispatch({"type": "chat.end", "session_id": "s"}, lambda session_id: chat)
    assert chat.served == ["chat.end"]
    assert "ignored control event 'chat.nothing'" in caplog.text
