"""What a test does with a custom element (cl.CustomElement) that its page module would
do: change its props, remove it, call an action callback, send a message, answer the
question it was asked with. ChatClient has these methods; an element is named by its
name (the latest one shown of that name) or given as its descriptor."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from ..handler_api.registry import action_event
from .socket import TestSocket
from .turns import ChatError, Reply, Turn

Element = str | Mapping[str, Any]


class CustomElements:
    """The custom-element part of ChatClient."""

    socket: TestSocket
    history: list[Reply]
    steps: list[dict[str, Any]]

    async def _finish_turn(self, turn: Turn, handler_runs: int, through_questions: bool = False) -> Turn:
        raise NotImplementedError  # ChatClient's

    def _keep_changes(self, turn: Turn) -> None:
        raise NotImplementedError  # Interactive's

    def _sent(self, message: Reply) -> None:
        raise NotImplementedError  # Interactive's

    def _runs(self, event: str) -> int:
        raise NotImplementedError  # ChatClient's

    def _username(self) -> str:
        raise NotImplementedError  # ChatClient's

    def custom_element(self, name: str) -> dict[str, Any]:
        """The descriptor of the latest custom element of that name the chat shows, in a
        message or in a step of the last turn ({"id", "name", "props", "for_id",
        "display", "url"}); ChatError if none."""
        customs = [e for e in self._shown_elements() if e.get("type") == "custom"]
        for element in reversed(customs):
            if element.get("name") == name:
                return dict(element)
        shown = [element["name"] for element in customs]
        raise ChatError("no_such_element", f"no custom element {name!r}; the chat shows {shown}", [])

    def _shown_elements(self) -> list[dict[str, Any]]:
        in_messages = [element for reply in self.history for element in reply.elements]
        return in_messages + [element for step in self.steps for element in step.get("elements", ())]

    def _ref(self, element: Element) -> dict[str, str]:
        described = self.custom_element(element) if isinstance(element, str) else element
        return {"id": str(described["id"]), "for": str(described["for_id"])}

    async def update_element(self, element: Element, props: Mapping[str, Any]) -> dict[str, Any]:
        """Gives the element new props (updateElement); returns its new descriptor."""
        ref = self._ref(element)
        await self.socket.send({"type": "element_update", "element": ref, "props": dict(props)})
        await self._until(lambda frame: frame["type"] == "elements" and frame["for"] == ref["for"])
        return next(dict(e) for e in self._shown_elements() if e.get("id") == ref["id"])

    async def delete_element(self, element: Element) -> None:
        """Removes the element (deleteElement)."""
        ref = self._ref(element)
        await self.socket.send({"type": "element_delete", "element": ref})
        await self._until(lambda frame: frame["type"] == "remove_element" and frame["id"] == ref["id"])

    async def call_action(
        self, element: Element, name: str, payload: Mapping[str, Any] | None = None
    ) -> Reply | None:
        """Calls the action callback name from the element (callAction) and returns its
        reply. The turn's frames hold the action_result frame with what it returned."""
        await self.socket.send(
            {
                "type": "call_action",
                "id": uuid.uuid4().hex,
                "name": name,
                "payload": dict(payload or {}),
                "from_element": self._ref(element),
            }
        )
        runs = self._runs(action_event(name))
        if not runs:
            await self._until(lambda frame: False)  # no such callback: the server refuses the call
        return (await self._finish_turn(Turn(), runs)).reply

    async def send_from_element(
        self, element: Element, text: str, command: str | None = None
    ) -> Reply | None:
        """Sends a message from the element (sendUserMessage), with any command; returns
        the reply, as send() does."""
        message_id = uuid.uuid4().hex
        frame: dict[str, Any] = {"type": "message", "id": message_id, "content": text}
        frame["from_element"] = self._ref(element)
        if command is not None:
            frame["command"] = command
        await self.socket.send(frame)
        self._sent(Reply(message_id, "user", self._username(), text))
        return (await self._finish_turn(Turn(), self._runs("on_message"))).reply

    async def submit_element(self, element: Element, values: Mapping[str, Any] | None) -> Reply | None:
        """Answers the question asked with the element (AskElementMessage): submits
        values (submitElement), or cancels with None (cancelElement). Returns the reply
        of the handler that asked."""
        answer = dict(values) if values is not None else None
        await self.socket.send({"type": "element_answer", "element": self._ref(element), "values": answer})
        asked = self.socket.asking
        if asked is None:
            await self._until(lambda frame: False)  # no question waits: the server refuses it
        # If the server refuses the answer, the question still waits (see TestSocket.finish).
        self.socket.asking, self.socket.answering = None, asked
        return (await self._finish_turn(Turn(), 0)).reply

    async def _until(self, done: Any) -> None:
        turn = Turn()
        try:
            while not done(frame := await self.socket.next(turn)):
                if frame.get("type") == "error":
                    raise ChatError(frame["code"], frame["detail"], turn.frames)
        finally:
            self._keep_changes(turn)
