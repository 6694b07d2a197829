"""Transcript: what a chat says, in order, to its socket and to its journal.

It is the chat as handler code sees it (session.RunningChat): the store behind
user_session, the messages Message.send, stream_token, update and remove make, their
action buttons, the steps, and the questions a handler waits on (interaction.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from ..conf import get_config
from ..handler_api.composer import Mode
from ..handler_api.copilot import CopilotFunctionError
from ..handler_api.message import Message
from ..handler_api.session import ActionLike, SessionStore, StepLike
from ..handler_api.widgets import Widget
from ..models import ChatMessage
from ..storage.files import with_urls
from ..storage.history import fold_title
from ..wire import frames
from ..wire.frames import MessageLike
from .data_feed import NO_DATA_LAYER, NoDataLayer
from .delivery import Delivery
from .interaction import Interaction
from .journal import Journal
from .page_calls import PageCalls
from .shown_elements import ShownElements
from .writer import writer

#: The roles of the messages the conversation holds (not notices, not steps).
CONVERSING = frozenset({ChatMessage.Role.USER.value, ChatMessage.Role.ASSISTANT.value})


class Transcript(ShownElements):
    """One chat's messages: sent through its delivery, kept through its journal."""

    __slots__ = (
        *("client_type", "commands", "conversation", "delivery", "elements_of", "feed", "page"),
        *("interaction", "journal", "modes", "page_calls", "widgets"),
    )

    def __init__(self, journal: Journal, delivery: Delivery, interaction: Interaction) -> None:
        self.journal = journal
        self.delivery = delivery
        self.interaction = interaction
        #: The settings widgets a handler sent (ChatSettings), None for the app's declared ones.
        self.widgets: list[Widget] | None = None
        #: The element descriptors of the messages and steps sent with elements here, by
        #: id: what is left of them when an element is removed.
        self.elements_of: dict[str, list[dict[str, Any]]] = {}
        #: Its user and assistant messages in order, for cl.chat_context and edits.
        self.conversation: list[MessageLike] = []
        #: What its composer offers (handler_api/composer.py): commands and modes.
        self.commands: list[dict[str, Any]] = []
        self.modes: list[Mode] = []
        #: What tells the app's data layer what the chat keeps (data_feed.py).
        self.feed: NoDataLayer = NO_DATA_LAYER
        #: Its socket's client ("webapp", or "copilot" on another page) and that page.
        self.client_type = "webapp"
        self.page: dict[str, Any] = {}
        self.page_calls = PageCalls(delivery)

    @property
    def store(self) -> SessionStore:
        return self.journal.store

    async def send(self, frame: dict[str, Any]) -> None:
        """Sends a frame that the transcript does not keep (a token, a task, an error)."""
        await self.delivery.send(frame)

    def record(self, message: MessageLike, meta: dict[str, Any] | None = None) -> None:
        """Keeps a message without sending it (the user's own), timed now if not yet. The
        first user message of an untitled chat titles it (by its files' names if it has
        no text)."""
        if message.created is None:
            message.created = timezone.now()
        self.journal.added(message.id, message.role, message.author, message.content, message.created, meta)
        self.store.reserved["root_message"] = message
        if message.role in CONVERSING:
            self.conversation.append(message)
        if message.role == ChatMessage.Role.USER and not self.journal.title:
            names = ", ".join(item["name"] for item in meta.get("elements", ())) if meta else ""
            self.set_title(message.content.strip() or names)
        self.feed.kept(message, meta)

    def set_title(self, title: str) -> None:
        """Titles the chat: white space folded, cut to the column with an ellipsis."""
        folded = fold_title(title)
        if folded:
            self.journal.titled(folded)
            self.feed.retitled(folded)

    async def call_function(self, name: str, args: dict[str, Any], timeout: float) -> Any:
        """A CopilotFunction call: a copilot's host page calls name(args)."""
        if self.client_type != "copilot":
            raise CopilotFunctionError(
                "CopilotFunction calls the page hosting a copilot; this chat's is the chat page"
            )
        return await self.page_calls.call(name, args, timeout)

    def tell_data_layer(self, method: str, *args: Any, **kwargs: Any) -> None:
        """Has the app's data layer told something, in order (nothing if it has none)."""
        self.feed.tell(method, *args, **kwargs)

    async def change_settings(self, values: dict[str, Any]) -> dict[str, Any]:
        """Sets validated settings values, keeps and confirms them; returns all settings."""
        settings = {**self.store.reserved["chat_settings"], **values}
        self.store.reserved["chat_settings"] = settings
        self.journal.settings(settings)
        await self.delivery.send(frames.settings(settings))
        return settings

    async def offer_commands(self, commands: list[dict[str, Any]]) -> None:
        self.commands = commands
        await self.delivery.send(frames.commands(commands))

    async def offer_modes(self, modes: list[Mode]) -> None:
        self.modes = modes
        await self.delivery.send(frames.modes([mode.to_dict() for mode in modes]))

    async def declare_settings(self, widgets: Sequence[Widget], values: dict[str, Any] | None) -> None:
        """Makes widgets this chat's settings and shows them; with values, the settings
        are those (kept, as a change is)."""
        self.widgets = list(widgets)
        if values is not None:
            self.store.reserved["chat_settings"] = dict(values)
            self.journal.settings(dict(values))
        shown = self.store.reserved["chat_settings"]
        await self.delivery.send(frames.chat_settings([widget.to_dict() for widget in widgets], shown))

    async def add_message(
        self,
        message: MessageLike,
        actions: Sequence[ActionLike] = (),
        elements: Sequence[dict[str, Any]] = (),
    ) -> None:
        """Keeps a new message, with its action buttons and the descriptors of its elements
        (kept in the file storage already), and sends it."""
        is_error = getattr(message, "is_error", False)
        if not actions and not elements and not is_error:
            self.record(message)
            await self._send_kept(frames.message(message))
            return
        meta: dict[str, Any] = {"is_error": True} if is_error else {}
        if actions:
            for action in actions:
                action.forId = message.id
            self.interaction.keep(actions)
            meta["actions"] = [action.to_dict() for action in actions]
        if elements:
            meta["elements"] = self.elements_of[message.id] = list(elements)
        self.record(message, meta)
        frame = frames.message(
            message, [action.to_frame() for action in actions], with_urls(meta.get("elements", []))
        )
        await self._send_kept(frame)

    async def add_action(self, action: ActionLike) -> None:
        """Adds a button to a sent message."""
        self.interaction.keep([action])
        await self._actions_changed(action.forId)

    async def remove_action(self, action: ActionLike) -> None:
        """Takes a button away: a click on it is refused from now on."""
        self.interaction.drop(action)
        await self._actions_changed(action.forId)

    async def _actions_changed(self, message_id: str | None) -> None:
        if message_id is None:
            return
        kept = self.interaction.of_message(message_id)
        self.journal.edited(message_id, None, {"actions": [action.to_dict() for action in kept]}, merge=True)
        await self._send_kept(frames.actions(message_id, [action.to_frame() for action in kept]))

    async def ask(
        self,
        kind: str,
        message_id: str,
        action_ids: Sequence[str],
        timeout: float,
        spec: dict[str, Any] | None = None,
    ) -> Any:
        """Waits for the answer to the question message_id (see Interaction.wait)."""
        return await self.interaction.wait(kind, message_id, action_ids, timeout, self.delivery.send, spec)

    async def add_step(self, step: StepLike) -> None:
        """Keeps a step that started, and shows it."""
        created = step.created or timezone.now()
        meta = step.meta()
        self.journal.added(step.id, ChatMessage.Role.STEP, step.name, step.output, created, meta)
        frame = self._step_frame(step, meta)
        self.feed.step(frame)
        await self._send_kept(frame)

    async def update_step(self, step: StepLike) -> None:
        meta = step.meta()
        self.journal.edited(step.id, step.output, meta)
        frame = self._step_frame(step, meta)
        self.feed.step(frame, new=False)
        await self._send_kept(frame)

    def _step_frame(self, step: StepLike, meta: dict[str, Any]) -> dict[str, Any]:
        # Built from the meta just made (its generation, if any, serialised once).
        frame = frames.step({"id": step.id, "name": step.name, "output": step.output, **meta})
        if meta.get("elements"):
            self.elements_of[step.id] = meta["elements"]
            frame["elements"] = with_urls(meta["elements"])
        return frame

    async def stream_step(self, step: StepLike, token: str, replace: bool) -> None:
        """Shows a step's output growing; its update keeps it."""
        if replace:
            await self.delivery.send(self._step_frame(step, step.meta()))
        else:
            await self.delivery.send(frames.stream(step.id, token))

    async def remove_step(self, step: StepLike) -> None:
        self.journal.removed(step.id, ChatMessage.Role.STEP)
        self.feed.tell("delete_step", step.id)
        await self._send_kept(frames.remove(step.id))

    async def add_notice(self, content: str, author: str) -> None:
        """Adds a notice from outside the chat (staff, say), written within the delay."""
        await self.add_message(Message(content, author=author, role=ChatMessage.Role.NOTICE))
        writer().mark(self.journal)

    async def edit_message(self, message: MessageLike) -> None:
        """Replaces a sent message's content."""
        self.journal.edited(message.id, message.content)
        self.feed.edited(message)
        await self._send_kept(frames.update(message.id, message.content))

    async def remove_message(self, message: MessageLike) -> None:
        """Removes a sent message, and its buttons."""
        self.interaction.drop_message(message.id)
        self.journal.removed(message.id, message.role)
        if message in self.conversation:
            self.conversation.remove(message)
        self.feed.tell("delete_step", message.id)
        await self._send_kept(frames.remove(message.id))

    async def _send_kept(self, frame: dict[str, Any]) -> None:
        """Sends a frame that changes the transcript; with WRITE_DELAY_SECONDS = 0 only
        once the change is committed, so that nothing a client saw can be lost."""
        if not get_config()["WRITE_DELAY_SECONDS"]:
            await writer().committed(self.journal)
        await self.delivery.send(frame)

    async def handler_done(self) -> None:
        """Has a handler's changes written: within the write delay, or now if it is 0."""
        if get_config()["WRITE_DELAY_SECONDS"]:
            writer().mark(self.journal)
        else:
            await writer().committed(self.journal)

    async def flush(self) -> None:
        """Writes the changes so far, now."""
        await writer().write([self.journal])
