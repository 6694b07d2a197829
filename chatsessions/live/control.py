"""Server-side control of chats through the channel layer: end one, post a notice, or
hand one over to another process.

Every live chat's group, group_name(session_id), leads to one channel of the process that
holds the chat, so a view, a management command or a background task can reach it
wherever it lives. One listener per process serves that channel for all its chats.

No control action is lost to a layer outage: each but a hand-over is first recorded in
the database (commands.py), and the listener applies the recorded ones of its chats
while the layer is down (every half second), when it is back, and at each heartbeat.

The in-memory layer reaches one process only, so there every chat's events go through
one group, LOCAL_GROUP, and the listener picks out its own chats. That layer walks every
group at each group_send and receive: with a group per chat, each control event (and
each socket of a plain Channels consumer, which receives from the layer as it opens)
would cost the more the more chats the process holds.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Coroutine
from typing import Any

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import InMemoryChannelLayer, get_channel_layer

from ..storage import commands

logger = logging.getLogger("chatsessions")

# Every control event is named "chat.<what>" and served by the live chat's method
# chat_<what> (see dispatch): a new action is that method and a function that sends it.
EVENT_TYPE = re.compile(r"chat\.[a-z][a-z_]{0,40}")
END = "chat.end"
NOTICE = "chat.notice"
# A process resuming a chat asks its holder to write everything and let go.
RELEASE = "chat.release"
RELEASED = "chat.released"
# The user renamed the chat (the row has the new title already).
RETITLE = "chat.retitle"
# A user's login may have changed (deactivated, deleted, logged out, new password).
RECHECK = "chat.recheck"


#: The one group of every chat on the in-memory layer (see the module's docstring).
LOCAL_GROUP = "chatsessions.local"
#: While the layer is down, the listener tries it again, and applies the recorded
#: commands of its chats, this often: it hears the layer again within this long.
LAYER_RETRY_SECONDS = 0.5
#: How many applied commands a listener remembers, not to apply one twice (from the
#: layer and from the database).
APPLIED_MEMORY = 10_000


class NotSentNow(Exception):
    """The channel layer cannot be reached now, but the action is recorded: the chat's
    process applies it from the database, within a second while the layer is down for it
    too, else at its next heartbeat."""


def group_name(session_id: Any) -> str:
    """Returns the channel layer group a live chat listens on, on a layer that reaches
    other processes."""
    return f"chatsession.{session_id}"


def _group(layer: Any, session_id: Any) -> str:
    return LOCAL_GROUP if isinstance(layer, InMemoryChannelLayer) else group_name(session_id)


async def aend_chat(session_id: Any) -> None:
    """Asks the live chat to end: on_chat_end runs once, its socket closes with 4000."""
    await _send(session_id, {"type": END})


async def asend_notice(session_id: Any, content: str, author: str) -> None:
    """Posts a message from author (a member of staff, say) into the live chat."""
    await _send(session_id, {"type": NOTICE, "content": content, "author": author})


async def aretitle(session_id: Any, title: str) -> None:
    """Tells the live chat that the user renamed it, so that it keeps that title."""
    await _send(session_id, {"type": RETITLE, "title": title})


async def arecheck(session_ids: list[Any], logged_out_session: str | None = None) -> None:
    """Asks the live chats to check that their socket's login still holds (see access.py);
    a socket of logged_out_session is closed without a check."""
    unsent: NotSentNow | None = None
    for session_id in session_ids:
        try:
            await _send(session_id, {"type": RECHECK, "logged_out_session": logged_out_session})
        except NotSentNow as error:  # recorded: the others are recorded too, then
            unsent = error
    if unsent is not None:
        raise unsent


def end_chat(session_id: Any) -> None:
    """Sync form of aend_chat, for views and management commands."""
    async_to_sync(aend_chat)(session_id)


def send_notice(session_id: Any, content: str, author: str) -> None:
    """Sync form of asend_notice, for views and management commands."""
    async_to_sync(asend_notice)(session_id, content, author)


async def arequest_release(session_id: Any, wait_seconds: float) -> bool:
    """Asks the process holding the chat, if any, to write it out and let go; returns
    whether one said it did within wait_seconds. Raises if the layer is unreachable."""
    layer = get_channel_layer()
    if layer is None:
        return False
    reply_to = await layer.new_channel()
    await _send(session_id, {"type": RELEASE, "reply_to": reply_to}, record=False)
    try:
        async with asyncio.timeout(wait_seconds):
            while (await layer.receive(reply_to)).get("type") != RELEASED:
                pass
    except TimeoutError:
        return False
    return True


async def _send(session_id: Any, event: dict[str, Any], record: bool = True) -> None:
    """Records the event (unless record is False), then sends it through the layer.
    Raises NotSentNow if it is recorded but the layer cannot be reached."""
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("CHANNEL_LAYERS is not configured, so live chats cannot be reached")
    event = {**event, "session_id": str(session_id)}
    recorded = False
    if record:
        try:
            event["command"] = await database_sync_to_async(commands.record)(session_id, event)
            recorded = True
        except Exception:
            logger.warning(
                "chat %s: could not record a %s; sent through the layer alone", session_id, event["type"]
            )
    try:
        try:
            await layer.group_send(_group(layer, session_id), event)
        except Exception:  # once more: a pooled connection may be stale after a restart
            await layer.group_send(_group(layer, session_id), event)
    except Exception as error:
        if recorded:
            raise NotSentNow(f"the channel layer cannot be reached ({type(error).__name__})") from error
        raise


def handler_name(kind: Any) -> str | None:
    """The method of a live chat that serves an event of this type: "chat.notice" is
    served by LiveChat.chat_notice, as Channels names a consumer's handlers. None for a
    type no chat serves (a stray event must not call any other method)."""
    if not isinstance(kind, str) or not EVENT_TYPE.fullmatch(kind):
        return None
    return kind.replace(".", "_")


async def dispatch(event: dict[str, Any], find: Callable[[str], Any]) -> None:
    """Serves one event for the chat find returns, whether a socket is attached or not."""
    chat = find(str(event.get("session_id")))
    if chat is None:
        return
    name = handler_name(event.get("type"))
    handler = getattr(chat, name, None) if name is not None else None
    if handler is None:
        logger.warning("chat %s: ignored control event %r", event.get("session_id"), event.get("type"))
        return
    await handler(event)


async def reply_released(event: dict[str, Any]) -> None:
    """Tells the process that asked for a release (arequest_release) that the chat is let go."""
    layer = get_channel_layer()
    if event.get("reply_to") and layer is not None:
        await layer.send(str(event["reply_to"]), {"type": RELEASED, "session_id": event["session_id"]})


class Listener:
    """This process's channel on the layer, which every live chat's group leads to."""

    def __init__(self, handle: Callable[[dict[str, Any]], Coroutine[Any, Any, None]]) -> None:
        self.handle = handle
        self.channel: str | None = None
        self._task: asyncio.Task[None] | None = None
        self._handling: set[asyncio.Task[None]] = set()
        # The chats whose group leads here, joined again after a layer error (a restarted
        # Redis has lost them); on the in-memory layer, the chats whose events are ours.
        self._chats: set[str] = set()
        # Set when a join works while the listener waits to retry: the layer is back.
        self._layer_back = asyncio.Event()
        # The recorded commands applied here, oldest first.
        self._applied: dict[int, None] = {}
        self._commands_unreadable = False

    async def join(self, session_id: str) -> None:
        """Leads the chat's group to this process; raises if the layer is unreachable.
        Joining again renews the membership, which the layer expires (group_expiry)."""
        layer = get_channel_layer()
        if layer is None:
            return
        if self.channel is None:
            self.channel = await layer.new_channel()
            self._task = asyncio.create_task(self._listen(layer, self.channel), name="chatsessions control")
        await layer.group_add(_group(layer, session_id), self.channel)
        self._chats.add(str(session_id))
        self._layer_back.set()

    async def leave(self, session_id: str) -> None:
        """Stops the chat's group from leading here; a layer outage only delays that."""
        layer = get_channel_layer()
        if layer is None or self.channel is None:
            return
        self._chats.discard(str(session_id))
        if isinstance(layer, InMemoryChannelLayer):
            return  # LOCAL_GROUP still leads here for the other chats
        try:
            await layer.group_discard(group_name(session_id), self.channel)
        except Exception:
            logger.warning("chat %s: could not leave its channel layer group", session_id)

    async def apply_recorded(self) -> None:
        """Applies the recorded commands of this listener's chats that it has not yet
        applied; raises if the database cannot be read."""
        if not self._chats:
            return
        for command_id, event in await database_sync_to_async(commands.pending)():
            if event["session_id"] in self._chats:
                self._apply({**event, "command": command_id})

    def _apply(self, event: dict[str, Any]) -> None:
        """Handles the event in a task of its own: a hand-over waits for handlers, and must
        not hold up the events of the other chats. A recorded command, once only."""
        command_id = event.get("command")
        if isinstance(command_id, int):
            if command_id in self._applied:
                return
            self._applied[command_id] = None
            if len(self._applied) > APPLIED_MEMORY:
                del self._applied[next(iter(self._applied))]
        task = asyncio.create_task(self._handle_then_forget(event, command_id))
        self._handling.add(task)
        task.add_done_callback(self._handling.discard)

    async def _handle_then_forget(self, event: dict[str, Any], command_id: Any) -> None:
        await self.handle(event)
        if isinstance(command_id, int):
            try:
                await database_sync_to_async(commands.forget)([command_id])
            except Exception:  # applied all the same; the heartbeat drops it in time
                logger.warning("chat %s: could not forget an applied command", event.get("session_id"))

    async def _listen(self, layer: Any, channel: str) -> None:
        rejoin = False
        while True:
            try:
                if rejoin:
                    for group in {_group(layer, session_id) for session_id in self._chats}:
                        await layer.group_add(group, channel)
                    logger.warning("channel layer reachable again; %d chats rejoined", len(self._chats))
                    rejoin = False
                    await self._apply_recorded_quietly()  # what was sent while it was away
                event = await layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                if not rejoin:
                    logger.warning(
                        "channel layer unreachable (%s: %s); trying it every %.1f s, and applying"
                        " the recorded control commands of this process's chats meanwhile",
                        type(error).__name__,
                        error,
                        LAYER_RETRY_SECONDS,
                    )
                rejoin = True
                await self._apply_recorded_quietly()
                self._layer_back.clear()
                try:
                    await asyncio.wait_for(self._layer_back.wait(), LAYER_RETRY_SECONDS)
                except TimeoutError:
                    pass
                continue
            if str(event.get("session_id")) not in self._chats:
                continue  # another event loop's chat, through LOCAL_GROUP; or one gone
            self._apply(event)

    async def _apply_recorded_quietly(self) -> None:
        """apply_recorded, saying once, not every half second, that the database is down."""
        try:
            await self.apply_recorded()
        except Exception as error:
            if not self._commands_unreadable:
                logger.warning("the recorded control commands cannot be read now (%s)", type(error).__name__)
            self._commands_unreadable = True
        else:
            self._commands_unreadable = False
