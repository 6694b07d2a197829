"""What a test does while handlers run besides sending messages: stop one, wait for it,
answer its question, click an action, give feedback; and what it sees: the question
asked, the steps, the starters. ChatClient has these methods (answers to
AskUserMessage go through send)."""

from __future__ import annotations

from typing import Any

from ..handler_api.registry import ChatApp, action_event
from ..wire.frames import ErrorCode
from .socket import TestSocket
from .turns import ChatError, Reply, Turn, without


class Interactive:
    """The interactive part of ChatClient."""

    socket: TestSocket
    app: ChatApp
    session: dict[str, Any]
    history: list[Reply]
    steps: list[dict[str, Any]]

    async def _finish_turn(self, turn: Turn, handler_runs: int, through_questions: bool = False) -> Turn:
        raise NotImplementedError  # ChatClient's

    @property
    def asked(self) -> dict[str, Any] | None:
        """The question a handler waits on ({"for": message id, "kind": "text", "action"
        or "file", "timeout"; "files": what a file question accepts}), or None. send()
        answers a question for text, send(files=...) one for files."""
        return self.socket.asking

    @property
    def starters(self) -> list[dict[str, Any]]:
        """The starters the new chat showed ({"label", "message", "icon", "command"})."""
        return list(self.session.get("starters", ()))

    @property
    def starter_categories(self) -> list[dict[str, Any]]:
        """The starters in categories the new chat showed ({"label", "icon", "starters"})."""
        return list(self.session.get("starter_categories", ()))

    async def stop(self) -> Reply | None:
        """Stops the running handler (the Stop button) and returns its last message."""
        turn = Turn()
        while self.socket.open_tasks == 0 and self.socket.pending:
            await self.socket.next(turn)  # until the handler to stop has begun
        if self.socket.open_tasks == 0:
            return None
        await self.socket.send({"type": "stop"})
        # A stop ends a question's wait too: the turn is over when the handler has ended.
        return (await self._finish_turn(turn, 0, through_questions=True)).reply

    async def edit(self, message_id: str, content: str) -> Reply | None:
        """Edits a sent message of the user's (send it with an id): the messages after it
        go, on_message runs for it again; returns the reply, as send() does."""
        await self.socket.send({"type": "edit", "id": message_id, "content": content})
        turn = await self._finish_turn(Turn(), 1 if self.app.handler("on_message") else 0)
        return turn.reply

    def _sent(self, message: Reply) -> None:
        """Keeps a message the client sent in the history. Files that answer a question
        for files show with it (an "elements" frame), not as a message of the user's;
        text typed beside them is one."""
        asked = self.socket.asking
        if message.elements and asked is not None and asked["kind"] == "file":
            if not message.content.strip():
                return
            message.elements = []
        self.history.append(message)

    async def settings(self, **values: Any) -> dict[str, Any]:
        """Changes chat settings, waits for on_settings_update and returns the settings."""
        await self.socket.send({"type": "settings", "values": values})
        turn = Turn()
        while (frame := await self.socket.next(turn)).get("type") != "settings":
            if frame.get("type") == "error" and frame["code"] != ErrorCode.HANDLER_ERROR:
                raise ChatError(frame["code"], frame["detail"], turn.frames)
        await self._finish_turn(turn, 1 if self.app.handler("on_settings_update") else 0)
        return dict(frame["values"])

    async def wait(self) -> Turn:
        """Waits until every handler run that the client caused has ended, also one that
        waits on a question (until the question times out)."""
        return await self._finish_turn(Turn(), 0, through_questions=True)

    def answering_text(self, with_files: bool = False) -> bool:
        """Whether the next message answers a question (and so runs no on_message): one
        for text, or (with files attached) one for files."""
        asked = self.socket.asking
        if asked is not None and (asked["kind"] == "text" or (with_files and asked["kind"] == "file")):
            self.socket.asking, self.socket.answering = None, asked
            return True
        return False

    async def click(self, label: str) -> Reply | None:
        """Clicks the action button labelled (or named) label, the most recent one if
        several are, and returns the reply of its callback, or of the handler whose
        question it answers. Raises ChatError if the server refuses the click."""
        message_id, action = self._action(label)
        await self.socket.send({"type": "action", "id": action["id"]})
        asked = self.socket.asking
        if asked is not None and asked["kind"] == "action" and asked["for"] == message_id:
            self.socket.asking = None
            return (await self._finish_turn(Turn(), 0)).reply
        if self.app.handler(action_event(action["name"])) is None:
            refused = await self.socket.expect("error")  # no callback: the server says so
            raise ChatError(refused["code"], refused["detail"], [refused])
        return (await self._finish_turn(Turn(), 1)).reply

    async def feedback(self, message_id: str, value: int, comment: str = "") -> dict[str, Any]:
        """Gives thumbs up (1) or down (0) on an assistant message; returns the server's
        confirmation. Raises ChatError if it refuses."""
        await self.socket.send({"type": "feedback", "for": message_id, "value": value, "comment": comment})
        return await self.socket.expect("feedback")

    def _action(self, label: str) -> tuple[str, dict[str, Any]]:
        for reply in reversed(self.history):
            for action in reply.actions:
                if label in (action["label"], action["name"]):
                    return reply.id, action
        shown = [action["label"] for reply in self.history for action in reply.actions]
        raise ChatError("no_such_action", f"no action button {label!r}; the chat shows {shown}", [])

    def _keep_changes(self, turn: Turn) -> None:
        """Applies the turn's changes to earlier messages (their content, their buttons,
        their removal), and keeps its steps (or the last turn's, if only their elements
        changed)."""
        replies = {reply.id: reply for reply in self.history}
        steps = {step["id"]: step for step in self.steps}
        steps_changed = False
        for frame in turn.frames:
            earlier = replies.get(frame.get("for") or frame.get("id") or "")
            step = steps.get(frame.get("for") or "")
            if step is not None and frame["type"] in ("elements", "remove_element") and not turn.steps:
                steps_changed = True
                kept = step.get("elements", [])
                step["elements"] = (
                    list(frame["elements"]) if "elements" in frame else without(kept, frame["id"])
                )
            if earlier is None or frame.get("id") in turn.messages:
                continue
            if frame["type"] == "actions":
                earlier.actions = list(frame["actions"])
            elif frame["type"] == "elements":
                earlier.elements = list(frame["elements"])
            elif frame["type"] == "update":
                earlier.content = frame["content"]
            elif frame["type"] == "remove":
                self.history.remove(earlier)
            elif frame["type"] == "remove_element":
                earlier.elements = without(earlier.elements, frame["id"])
        if turn.steps or not steps_changed:
            self.steps = list(turn.steps.values())
