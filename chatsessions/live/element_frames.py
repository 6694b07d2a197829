"""The frames of a page's custom elements (cl.CustomElement): new props, a removal, an
action callback called by name, the answer to an AskElementMessage. Each names an
element and its message; one that the chat does not show now is refused. Inbox has
these methods (dispatch by the frame's type, as for every frame)."""

from __future__ import annotations

import json
from typing import Any, Protocol

from django.utils.translation import gettext as _

from ..handler_api.actions import Action
from ..handler_api.registry import ChatApp, action_event
from ..wire import frames
from ..wire.frames import ErrorCode
from ..wire.protocol import CallAction, ElementAnswer, ElementDelete, ElementRef, ElementUpdate, ProtocolError
from .jobs import Job, JobRunner
from .transcript import Transcript


class ElementChat(Protocol):
    """What of its chat (inbox.Chat) the custom elements' frames work with."""

    app: ChatApp
    jobs: JobRunner
    transcript: Transcript


class ElementFrames:
    """The custom-element part of Inbox."""

    __slots__ = ()
    chat: ElementChat

    def _check_open(self) -> None:
        raise NotImplementedError  # Inbox's

    def _check_accepting(self) -> None:
        raise NotImplementedError  # Inbox's

    async def call_action(self, frame: CallAction) -> None:
        """A custom element the chat shows calls an action callback by name, with its own
        payload (Chainlit's callAction): queued as a click is; an action_result frame
        says how it ended."""
        await self._shown_custom_element(frame.from_element)
        event = action_event(frame.name)
        if self.chat.app.handler(event) is None:
            raise ProtocolError(ErrorCode.UNKNOWN_ACTION, f"no action_callback for {frame.name[:40]!r}")
        self._check_accepting()
        try:
            action = Action(name=frame.name, payload=frame.payload, forId=frame.from_element.for_id)
        except (TypeError, ValueError) as error:
            raise ProtocolError(ErrorCode.INVALID_FIELD, str(error)) from None
        transcript = self.chat.transcript

        async def reply(result: Any, error: BaseException | None) -> None:
            try:
                response = json.loads(json.dumps(result, allow_nan=False))
            except (TypeError, ValueError):
                response = None
            await transcript.send(frames.action_result(frame.id, error is None, response))

        self.chat.jobs.add(Job(event, action, from_client=True, reply=reply))

    async def element_update(self, frame: ElementUpdate) -> None:
        """A custom element's code changed its props: kept with its message, and shown."""
        described = await self._shown_custom_element(frame.element)
        await self.chat.transcript.update_element(frame.element.for_id, {**described, "props": frame.props})

    async def element_delete(self, frame: ElementDelete) -> None:
        """A custom element's code removed it."""
        await self._shown_custom_element(frame.element)
        await self.chat.transcript.remove_element(frame.element.id, frame.element.for_id)

    async def element_answer(self, frame: ElementAnswer) -> None:
        """A custom element answers the question it was asked with (AskElementMessage)."""
        interaction = self.chat.transcript.interaction
        if not interaction.waits_on_element(frame.element.id, frame.element.for_id):
            raise ProtocolError(ErrorCode.UNKNOWN_ELEMENT, _("no question waits on this element"))
        values = frame.values
        interaction.answer({**values, "submitted": True} if values is not None else {"submitted": False})

    async def _shown_custom_element(self, ref: ElementRef) -> dict[str, Any]:
        """The descriptor of the custom element ref names, if this chat shows it; else the
        frame is refused."""
        self._check_open()
        described = await self.chat.transcript.custom_element(ref.id, ref.for_id)
        if described is None:
            raise ProtocolError(ErrorCode.UNKNOWN_ELEMENT, _("this chat shows no such custom element now"))
        return described
