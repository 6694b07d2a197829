"""DataLayerFeed: tells one chat's data layer (an app's @cl.data_layer) what Chainlit would
tell it, in the order it happens, off the chat's own path.

The chat's writes go through the journal and the writer as they always do; the feed is
told afterwards and calls the data layer from a task of its own, one call at a time, in
the chat's context (so user_session and cl.context work in it, as in Chainlit). A call
that raises or takes longer than DATA_LAYER_TIMEOUT_SECONDS is logged and the next one
made; past MAX_PENDING calls waiting, new ones are dropped (and logged), so a stuck data
layer costs bounded memory and never holds a handler or a write back.

What is told, and when (docs/handler-api.md, "Data layers"):
- a message or step is kept → create_step; changed → update_step; removed → delete_step
- an element is shown or changed → create_element; removed → delete_element
- the first user message → update_thread(name=its text, user_id, tags=[profile]), after
  get_user/create_user found the user's id; then what queue_until_user_message held
- a title → update_thread(name); feedback → upsert_feedback
- persist_user_session → update_thread(metadata); a chat deleted → delete_thread (from
  its row's post_delete: by its user, by staff, with its user)
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import logging
import threading
from collections import deque
from typing import Any

from asgiref.sync import SyncToAsync
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from ..conf import get_config
from ..handler_api.data_layer import BaseDataLayer, HeldCalls, holding, stored_element
from ..handler_api.registry import ChatApp, load_app
from ..handler_api.session import RunningChat, current_chat
from ..handler_api.threads import step_dict
from ..handler_api.users import PersistedUser, User
from ..models import ChatMessage, ChatSession
from ..storage.files import with_urls
from ..wire import frames
from ..wire.frames import MessageLike

logger = logging.getLogger("chatsessions")

#: Calls waiting for a slow data layer, past which new ones are dropped.
MAX_PENDING = 1000

#: Each app's data layer, made once by its @data_layer function (None: it has none, or
#: its function failed), by module.
_layers: dict[str, Any] = {}


def data_layer_of(app: ChatApp) -> Any:
    """The app's data layer, made on first use; None if it declares none, or its
    @data_layer function raised or returned no BaseDataLayer (logged)."""
    if app.module in _layers:
        return _layers[app.module]
    handler = app.handler("data_layer")
    layer = None
    if handler is not None:
        try:
            layer = handler.func()
        except Exception:
            logger.exception("the @data_layer of %s failed; its chats are told to no data layer", app.module)
        if layer is not None and not isinstance(layer, BaseDataLayer):
            logger.error(
                "the @data_layer of %s returned %r, not a BaseDataLayer; its chats are told to none",
                app.module,
                layer,
            )
            if inspect.iscoroutine(layer):
                layer.close()
            layer = None
    _layers[app.module] = layer
    return layer


class NoDataLayer:
    """The feed of a chat whose app has no data layer: told everything, tells nobody."""

    __slots__ = ()

    #: Whether the chat's first user message came (the data layer may not know yet).
    started = True

    def tell(self, method: str, *args: Any, **kwargs: Any) -> None:
        """Has method called with args on the data layer after what was told before."""

    def kept(self, message: MessageLike, meta: dict[str, Any] | None) -> None:
        """A message the chat keeps (the user's first one starts the thread)."""

    def edited(self, message: MessageLike) -> None:
        """A message whose content changed."""

    def step(self, frame: dict[str, Any], new: bool = True) -> None:
        """A step the chat keeps, new or changed (with its elements)."""

    def shown(self, described: list[dict[str, Any]], for_id: str) -> None:
        """Elements shown with the message or step for_id, new or changed."""

    def retitled(self, title: str) -> None:
        """A new title."""


#: The feed of every chat whose app has no data layer.
NO_DATA_LAYER = NoDataLayer()


class DataLayerFeed(NoDataLayer):
    """The calls one chat makes to its app's data layer, in order."""

    __slots__ = (
        *("_context", "_dropped", "_pending", "_task", "_told", "_user_id"),
        *("chat", "held", "layer", "started", "thread_id", "user"),
    )

    def __init__(self, layer: Any, chat: RunningChat, thread_id: str, user: Any, new: bool) -> None:
        self.layer = layer
        self.chat = chat
        self.thread_id = thread_id
        self.user = user
        #: What queue_until_user_message holds; a resumed chat had its first message.
        self.held = HeldCalls(waiting=new)
        self.started = not new
        self._pending: deque[tuple[str, tuple[Any, ...], dict[str, Any]]] = deque()
        self._task: asyncio.Task[None] | None = None
        self._dropped = 0
        self._user_id: str | None = None
        #: The ids of the elements told so far (a step's update repeats its elements).
        self._told: set[Any] = set()
        self._context = contextvars.Context()
        self._context.run(current_chat.set, chat)
        self._context.run(holding.set, self.held)

    # -- what the transcript tells it ------------------------------------------------------

    def tell(self, method: str, *args: Any, **kwargs: Any) -> None:
        if len(self._pending) >= MAX_PENDING:
            self._dropped += 1
            if self._dropped == 1 or self._dropped % MAX_PENDING == 0:
                logger.error(
                    "chat %s: its data layer is %d calls behind; %d calls dropped so far (%s the latest)",
                    self.thread_id,
                    MAX_PENDING,
                    self._dropped,
                    method,
                )
            return
        self._pending.append((method, args, kwargs))
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._drain(), context=self._context)

    def kept(self, message: MessageLike, meta: dict[str, Any] | None) -> None:
        if message.role == ChatMessage.Role.USER and not self.started:
            # The first user message names the thread, and what was held is made.
            self.started = True
            self.tell("_start_thread", message.content, self.chat.store.reserved["chat_profile"])
        self.step(frames.message(message, elements=with_urls(meta.get("elements", [])) if meta else None))

    def edited(self, message: MessageLike) -> None:
        self.step(frames.message(message), new=False)

    def step(self, frame: dict[str, Any], new: bool = True) -> None:
        self.tell("create_step" if new else "update_step", step_dict(self.thread_id, frame))
        told = [described for described in frame.get("elements", ()) if described.get("id") not in self._told]
        self.shown(told, frame["id"])

    def shown(self, described: list[dict[str, Any]], for_id: str) -> None:
        # create_element is Chainlit's upsert too: a custom element's new props are told.
        for element in with_urls(described):
            self._told.add(element.get("id"))
            self.tell("create_element", stored_element(element, self.thread_id, for_id))

    def retitled(self, title: str) -> None:
        if self.started:
            self.tell("update_thread", thread_id=self.thread_id, name=title)

    # -- the calls -------------------------------------------------------------------------

    async def _drain(self) -> None:
        try:
            while self._pending:
                method, args, kwargs = self._pending.popleft()
                if method == "_start_thread":
                    await self._start_thread(*args)
                else:
                    await self._call(method, getattr(self.layer, method, None), args, kwargs)
        finally:
            self._task = None

    async def _start_thread(self, name: str, chat_profile: str | None) -> None:
        if self.held.waiting:
            user_id = await self._persisted_user_id()
            tags = [chat_profile] if chat_profile else None
            await self._call(
                "update_thread",
                self.layer.update_thread,
                (),
                {"thread_id": self.thread_id, "name": name, "user_id": user_id, "tags": tags},
            )
            for method, (call, args, kwargs) in self.held.release():
                await self._call(method, call, args, kwargs)

    async def _persisted_user_id(self) -> str | None:
        """The data layer's id of the chat's user (get_user, else create_user), as Chainlit
        finds it at login; None for an anonymous chat or if the data layer has none."""
        if self._user_id is not None or self.user is None or not self.user.is_authenticated:
            return self._user_id
        identifier = self.user.get_username()
        found = await self._call("get_user", self.layer.get_user, (identifier,), {})
        if found is None:
            told = User(
                identifier, getattr(self.user, "display_name", None), dict(getattr(self.user, "metadata", {}))
            )
            found = await self._call("create_user", self.layer.create_user, (told,), {})
        if isinstance(found, PersistedUser) and found.id:
            self._user_id = str(found.id)
        return self._user_id

    async def _call(self, method: str, call: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        if call is None or not callable(call):
            return None
        seconds = get_config()["DATA_LAYER_TIMEOUT_SECONDS"]
        try:
            returned = call(*args, **kwargs)
            return await asyncio.wait_for(returned, seconds) if inspect.isawaitable(returned) else returned
        except TimeoutError:
            logger.error(
                "chat %s: its data layer's %s took longer than %s s", self.thread_id, method, seconds
            )
        except Exception:
            logger.exception("chat %s: its data layer's %s failed", self.thread_id, method)
        return None


def feed_for(app: ChatApp, chat: RunningChat, thread_id: str, user: Any, new: bool) -> NoDataLayer:
    """The feed of a chat of app (a new chat's, or one resumed from the database)."""
    layer = data_layer_of(app)
    return NO_DATA_LAYER if layer is None else DataLayerFeed(layer, chat, thread_id, user, new)


@receiver(post_delete, sender=ChatSession, dispatch_uid="chatsessions.data_feed.chat_deleted")
def _chat_deleted(sender: Any, instance: ChatSession, **kwargs: Any) -> None:
    """A chat deleted, by its user from the history, by staff or with its user: its app's
    data layer is told once the deletion is committed."""
    app_name, thread_id = instance.app, str(instance.pk)
    transaction.on_commit(lambda: tell_deleted(app_name, thread_id))


def tell_deleted(app_name: str, thread_id: str) -> None:
    """Tells the data layer of the chat app app_name, if it has one, that the chat
    thread_id was deleted (delete_thread), without waiting for it: on the server's event
    loop, where the app's chats tell it the rest, or else on a loop of its own in a
    thread; a failure or DATA_LAYER_TIMEOUT_SECONDS passing is logged."""
    module = get_config()["APPS"].get(app_name)
    try:
        app = load_app(module) if module else None
    except Exception:  # an app that cannot be imported has no data layer to tell (E005 says so)
        return
    if app is None or app.handler("data_layer") is None:
        return

    async def tell() -> None:
        layer = data_layer_of(app)
        if layer is None:
            return
        try:
            await asyncio.wait_for(layer.delete_thread(thread_id), get_config()["DATA_LAYER_TIMEOUT_SECONDS"])
        except Exception:
            logger.exception("chat %s of %s: its data layer's delete_thread failed", thread_id, app_name)

    # A sync view under ASGI runs in a thread of asgiref's, which knows the server's loop.
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if loop is not None and loop.is_running():
        loop.call_soon_threadsafe(loop.create_task, tell())
    else:
        threading.Thread(target=asyncio.run, args=(tell(),), name="delete_thread", daemon=True).start()
