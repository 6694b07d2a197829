"""What a test client receives: replies, turns, and the errors it raises."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class ChatTestError(AssertionError):
    """Base of what a ChatClient raises: an AssertionError, so pytest shows it as a failure."""


class ChatError(ChatTestError):
    """The server answered a frame with an error frame."""

    def __init__(self, code: str, detail: str, frames: list[dict[str, Any]]) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
        self.frames = frames


class HandlerError(ChatError):
    """A handler raised. In process, the handler's own exception is the __cause__."""


class ChatClosed(ChatTestError):
    """The server closed the socket."""

    def __init__(self, code: int, frames: list[dict[str, Any]]) -> None:
        super().__init__(f"the server closed the socket with code {code}")
        self.code = code
        self.frames = frames


class NoReply(ChatTestError):
    """Nothing finished the turn within the timeout."""


@dataclass
class Reply:
    """A message of the chat as the client has it: streamed tokens joined, updates applied."""

    id: str
    role: str
    author: str
    content: str
    created: str | None = None
    # The action buttons under it, as the page shows them: {"id", "name", "label", "tooltip"}.
    actions: list[dict[str, Any]] = field(default_factory=list)
    # Its files and elements: {"id", "type", "name", "mime", "size", "display", "url", ...}.
    elements: list[dict[str, Any]] = field(default_factory=list)
    # An error shown as one (cl.ErrorMessage).
    is_error: bool = False

    def __str__(self) -> str:
        return self.content


def reply_of(frame: dict[str, Any]) -> Reply:
    """The Reply a message frame shows."""
    return Reply(
        frame["id"],
        frame["role"],
        frame["author"],
        frame["content"],
        frame.get("created"),
        list(frame.get("actions", ())),
        list(frame.get("elements", ())),
        bool(frame.get("is_error")),
    )


def without(elements: list[dict[str, Any]], element_id: str) -> list[dict[str, Any]]:
    """The elements but the one removed."""
    return [element for element in elements if element.get("id") != element_id]


@dataclass
class Turn:
    """The frames the server sent for one thing the client did (task frames left out,
    the stream tokens of one message joined), and the messages in them."""

    frames: list[dict[str, Any]] = field(default_factory=list)
    messages: dict[str, Reply] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    # The steps shown in this turn, by id, as they ended (streamed output joined).
    steps: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, frame: dict[str, Any]) -> None:
        kind = frame.get("type")
        last = self.frames[-1] if self.frames else None
        if kind == "task":
            pass  # the socket counts them; a test reads what came between
        elif kind == "stream" and last and last["type"] == "stream" and last["id"] == frame["id"]:
            # Tokens of one message, joined; a sequence's token is the whole text so far.
            last["token"] = frame["token"] if frame.get("replace") else last["token"] + frame["token"]
        else:
            self.frames.append(dict(frame))
        if kind == "message":
            self.messages[frame["id"]] = reply_of(frame)
        elif kind == "step":
            self.steps[frame["id"]] = dict(frame)
        elif kind == "stream" and frame["id"] in self.steps:
            step = self.steps[frame["id"]]
            step["output"] = frame["token"] if frame.get("replace") else step["output"] + frame["token"]
        elif kind == "actions" and frame["for"] in self.messages:
            self.messages[frame["for"]].actions = list(frame["actions"])
        elif kind == "elements" and frame["for"] in self.messages:
            self.messages[frame["for"]].elements = list(frame["elements"])
        elif kind == "elements" and frame["for"] in self.steps:
            self.steps[frame["for"]]["elements"] = list(frame["elements"])
        elif kind == "stream":
            message = self.messages.setdefault(frame["id"], Reply(frame["id"], "assistant", "", ""))
            message.content = frame["token"] if frame.get("replace") else message.content + frame["token"]
        elif kind == "update" and frame["id"] in self.messages:
            self.messages[frame["id"]].content = frame["content"]
        elif kind == "remove":  # a message or a step
            self.messages.pop(frame["id"], None)
            self.steps.pop(frame["id"], None)
        elif kind == "remove_element":
            owner = frame.get("for") or ""
            if owner in self.messages:
                self.messages[owner].elements = without(self.messages[owner].elements, frame["id"])
            if owner in self.steps:
                self.steps[owner]["elements"] = without(self.steps[owner].get("elements", []), frame["id"])
        elif kind == "error":
            self.errors.append(frame)

    @property
    def reply(self) -> Reply | None:
        """The last message the handler sent in this turn, if any."""
        replies = [message for message in self.messages.values() if message.role != "user"]
        return replies[-1] if replies else None
