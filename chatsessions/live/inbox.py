"""Inbox: what the client asks of its chat, one frame at a time: a message (or the
answer to a question a handler asked), a click on an action, new settings, feedback.
Each is checked, then queued as a handler job behind the others, in arrival order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from channels.db import database_sync_to_async
from django.utils.translation import gettext as _

from .. import signals
from ..conf import get_config
from ..handler_api.composer import chosen_modes
from ..handler_api.data_layer import Feedback as DataFeedback
from ..handler_api.elements import AskFileResponse, Element
from ..handler_api.message import Message
from ..handler_api.registry import ChatApp, action_event
from ..handler_api.widgets import Widget, validate_settings
from ..models import ChatFile, ChatMessage
from ..storage import files
from ..storage.feedback import save as save_feedback
from ..wire import frames
from ..wire.frames import ErrorCode
from ..wire.protocol import (
    ActionClick,
    CallFnResult,
    Edit,
    End,
    Feedback,
    ProtocolError,
    Settings,
    Start,
    Stop,
    UserMessage,
    WindowMessage,
)
from . import replay
from .element_frames import ElementFrames
from .interaction import answer_of
from .jobs import Job, JobRunner
from .transcript import Transcript

#: What the chat says when its user stops a running handler (Chainlit's words).
STOPPED = "Task manually stopped."


class Chat(Protocol):
    """The parts of a chat the inbox works with (chat.LiveChat is one)."""

    id: str
    app: ChatApp
    author: str
    user: Any
    jobs: JobRunner
    transcript: Transcript

    @property
    def accepting(self) -> bool: ...

    @property
    def settings_widgets(self) -> list[Widget]: ...

    async def flush(self) -> None: ...

    async def signal(self, signal: Any, **kwargs: Any) -> None: ...

    def end(self) -> None: ...


class Inbox(ElementFrames):
    """One chat's way in for its client's frames: consumers.py hands each parsed frame to
    the method named by its type (wire/protocol.py), one at a time."""

    __slots__ = ("chat",)
    chat: Chat

    def __init__(self, chat: Chat) -> None:
        self.chat = chat

    async def start(self, frame: Start) -> None:
        """A second start frame: one socket opens one chat."""
        raise ProtocolError(ErrorCode.ALREADY_STARTED, "this socket has started its chat already")

    async def message(self, frame: UserMessage) -> None:
        """Records a user message, with the files uploaded for it, and queues on_message
        for it; if a handler asked a question (AskUserMessage, AskFileMessage), the
        message is its answer instead. Files that answer a question are shown with the
        question, as in Chainlit: no message of the user's says them again. A system
        message (from a copilot's host page) answers no question: on_message gets it."""
        content, message_id, file_ids = frame.content, frame.id, frame.files
        if frame.from_element is not None:
            await self._shown_custom_element(frame.from_element)
        interaction = self.chat.transcript.interaction
        wanted = None if frame.system else interaction.wants_files()
        if wanted is not None:
            await self._answer_with_files(frame, wanted)
            return
        answers = not frame.system and interaction.answers_text()
        if not answers:
            self._check_accepting()
        if frame.system:  # posted by the page hosting a copilot: a system message
            message = Message(content, author="System", id=message_id, role=ChatMessage.Role.SYSTEM)
        else:
            message = Message(content, author=self.chat.author, id=message_id, role="user")
        self._composed(message, frame)
        rows = await self._attach(message.id, file_ids, None) if file_ids else []
        message.elements = [Element.of(row) for row in rows]
        meta: dict[str, Any] = {"elements": [files.descriptor(row) for row in rows]} if rows else {}
        if message.command:
            meta["command"] = message.command
        self.chat.transcript.record(message, meta or None)
        if frame.system:  # the page shows what the user typed; this one it must be sent
            await self.chat.transcript.send(frames.message(message))
        # Receivers see the message before the handler does; the socket's frames are
        # handled one at a time, so the order of messages stays the order of arrival.
        await self.chat.signal(signals.message_received, message=message)
        if answers:
            interaction.answer(answer_of(message))
        else:
            self.chat.jobs.add(Job("on_message", message, from_client=True))

    def _composed(self, message: Message, frame: UserMessage) -> None:
        """Gives the message the command and the modes its frame chose, if the chat offers
        them (handler_api/composer.py). A custom element the chat shows may send any
        command (Chainlit's sendUserMessage(text, command))."""
        transcript = self.chat.transcript
        offered = frame.from_element is not None or frame.command in {c["id"] for c in transcript.commands}
        if frame.command is not None and not offered:
            raise ProtocolError(ErrorCode.INVALID_FIELD, "message.command names no command the chat offers")
        try:
            if transcript.modes or frame.modes:
                message.modes = chosen_modes(transcript.modes, frame.modes)
        except ValueError as error:
            raise ProtocolError(ErrorCode.INVALID_FIELD, str(error)) from None
        message.command = frame.command

    async def edit(self, frame: Edit) -> None:
        """The user edited a message of theirs: its content changes, the messages after it
        go, and on_message runs for it again (as in Chainlit). Refused while a handler
        runs or waits, and for any message but one of the user's the chat holds here."""
        self._check_accepting()
        transcript = self.chat.transcript
        if self.chat.jobs.running or self.chat.jobs.waiting or transcript.interaction.asking is not None:
            raise ProtocolError(ErrorCode.EDIT_REFUSED, _("wait for the reply (or stop it), then edit"))
        conversation = transcript.conversation
        mine = (i for i, message in enumerate(conversation) if message.id == frame.message_id)
        index = next(mine, None)
        if index is not None and conversation[index].role != "user":
            index = None
        if index is None:
            raise ProtocolError(ErrorCode.UNKNOWN_MESSAGE, _("edit is for a message of yours in this chat"))
        edited = conversation[index]
        for later in conversation[index + 1 :]:
            await transcript.remove_message(later)
        edited.content = frame.content
        await transcript.edit_message(edited)
        await self.chat.signal(signals.message_received, message=edited)
        self.chat.jobs.add(Job("on_message", edited, from_client=True))

    async def _answer_with_files(self, frame: UserMessage, wanted: dict[str, Any]) -> None:
        """Answers the question for files with the message's files, kept with the question;
        text typed beside them is kept as a message of the user's."""
        interaction = self.chat.transcript.interaction
        if not frame.files:
            raise ProtocolError(
                ErrorCode.INVALID_FIELD, _("the question waits for files: attach at least one")
            )
        asking = interaction.asking
        if asking is None:  # cannot be: wanted is its spec
            raise ProtocolError(ErrorCode.INVALID_FIELD, "no question waits for files")
        question = asking.for_id
        rows = await self._attach(question, frame.files, wanted)
        if frame.content.strip():
            message = Message(frame.content, author=self.chat.author, id=frame.id, role="user")
            self.chat.transcript.record(message)
            await self.chat.signal(signals.message_received, message=message)
        await self.chat.transcript.add_elements(question, [files.descriptor(row) for row in rows])
        interaction.answer([AskFileResponse(row) for row in rows])

    async def _attach(
        self, message_id: str, file_ids: Sequence[str], wanted: dict[str, Any] | None
    ) -> list[ChatFile]:
        """Attaches the user's uploads to message, if they are theirs, unsent, within the
        limits and what the question asked for; else refuses the message."""
        config = get_config()

        def check(rows: list[ChatFile]) -> None:
            if len(rows) > config["MAX_FILES_PER_MESSAGE"]:
                raise ProtocolError(
                    ErrorCode.FILE_REFUSED,
                    _("a message has at most %(count)s files") % {"count": config["MAX_FILES_PER_MESSAGE"]},
                )
            if sum(row.size for row in rows) > config["MAX_MESSAGE_FILE_BYTES"]:
                limit = files.mebibytes(config["MAX_MESSAGE_FILE_BYTES"])
                raise ProtocolError(
                    ErrorCode.FILE_REFUSED,
                    _("the files of a message are limited to %(limit)s") % {"limit": limit},
                )
            if wanted is not None:
                refusal = files.refusal(rows, wanted)
                if refusal:
                    raise ProtocolError(ErrorCode.FILE_REFUSED, refusal)

        rows = await database_sync_to_async(files.attach)(
            self.chat.id, self.chat.user, list(file_ids), message_id, check
        )
        if rows is None:
            raise ProtocolError(
                ErrorCode.UNKNOWN_FILE,
                _("message.files names a file that is not an unsent upload of yours here"),
            )
        return rows

    async def action(self, frame: ActionClick) -> None:
        """Runs the callback of an action the chat sent, or answers the question it
        belongs to; an id the chat did not send (or took back) is refused."""
        action_id = frame.id
        interaction = self.chat.transcript.interaction
        action = await interaction.find(
            action_id, lambda: database_sync_to_async(replay.stored_actions)(self.chat.id)
        )
        if action is None:
            raise ProtocolError(ErrorCode.UNKNOWN_ACTION, _("this chat has no such action (any more)"))
        if interaction.answers_with(action):
            interaction.answer(action.to_dict())
            return
        event = action_event(action.name)
        if self.chat.app.handler(event) is None:
            raise ProtocolError(ErrorCode.UNKNOWN_ACTION, f"no action_callback for {action.name!r}")
        self._check_accepting()
        self.chat.jobs.add(Job(event, action, from_client=True))

    async def window_message(self, frame: WindowMessage) -> None:
        """What the page hosting the chat posted: on_window_message gets it, in the queue."""
        if self.chat.app.handler("on_window_message") is not None:
            self._check_accepting()
            self.chat.jobs.add(Job("on_window_message", frame.data, from_client=True))

    async def call_fn_result(self, frame: CallFnResult) -> None:
        """The host page's answer to a CopilotFunction call."""
        self.chat.transcript.page_calls.answer(frame.id, frame.result, frame.error)

    async def feedback(self, frame: Feedback) -> None:
        """Keeps the user's feedback on an assistant message of this chat, and confirms it."""
        message_id, value, comment = frame.message_id, frame.value, frame.comment
        self._check_open()
        await self.chat.flush()  # the message may not be written yet
        feedback_id = await database_sync_to_async(save_feedback)(
            self.chat.id, message_id, self.chat.user, value, comment
        )
        if feedback_id is None:
            raise ProtocolError(
                ErrorCode.UNKNOWN_MESSAGE, _("feedback is for an assistant message of this chat")
            )
        told = DataFeedback(message_id, 1 if value else 0, self.chat.id, str(feedback_id), comment or None)
        self.chat.transcript.tell_data_layer("upsert_feedback", told)
        await self.chat.transcript.send(frames.feedback(message_id, value, comment))
        await self.chat.signal(signals.feedback_received, message_id=message_id, value=value, comment=comment)

    async def settings(self, frame: Settings) -> None:
        """Validates new settings values, confirms them and queues on_settings_update."""
        values = frame.values
        self._check_accepting()
        try:
            validate_settings(self.chat.settings_widgets, values)
        except ValueError as error:
            raise ProtocolError(ErrorCode.INVALID_SETTINGS, str(error)) from None
        settings = await self.chat.transcript.change_settings(values)
        self.chat.jobs.add(Job("on_settings_update", dict(settings), from_client=True))

    async def stop(self, frame: Stop) -> None:
        """Cancels the running handler, if any, saying so in the chat as Chainlit does;
        on_stop runs after it."""
        if self.chat.jobs.stoppable:  # once, however many stops a client sends
            await self.chat.transcript.add_message(Message(STOPPED))
        self.chat.jobs.stop()

    async def end(self, frame: End) -> None:
        """The user ended the chat: on_chat_end runs once the handlers before it are done."""
        self.chat.end()

    def _check_open(self) -> None:
        if not self.chat.accepting:
            raise ProtocolError(ErrorCode.CHAT_ENDING, _("this chat is ending; start a new one"))

    def _check_accepting(self) -> None:
        """Refuses a job for a chat that is ending, or past MAX_PENDING_MESSAGES waiting."""
        self._check_open()
        if self.chat.jobs.waiting >= get_config()["MAX_PENDING_MESSAGES"]:
            raise ProtocolError(
                ErrorCode.FLOOD, _("too many messages are waiting for a reply; this one was dropped")
            )
