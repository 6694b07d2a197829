"""Chainlit's ThreadDict: what on_chat_resume(thread) is given, built from the chat as
its resume replays it (the last HISTORY_LIMIT messages and steps), so that a Chainlit
app that rebuilds its memory from thread["steps"] runs unchanged."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypedDict, cast

#: Chainlit's step types of the transcript's message roles.
MESSAGE_TYPES = {"user": "user_message", "assistant": "assistant_message"}


class StepDict(TypedDict, total=False):
    """Chainlit's StepDict: a message or a step of a thread, as on_chat_resume sees it."""

    id: str
    threadId: str
    parentId: str | None
    name: str
    type: str
    input: str
    output: str
    isError: bool | None
    createdAt: str | None
    start: str | None
    end: str | None
    metadata: dict[str, Any]


class ElementDict(TypedDict, total=False):
    """Chainlit's ElementDict: an element of a thread (its descriptor, with its thread
    and the message or step it is shown with)."""

    id: str
    threadId: str | None
    type: str
    name: str
    display: str
    url: str | None
    mime: str | None
    size: Any
    language: str | None
    page: int | None
    props: dict[str, Any] | None
    forId: str | None


class ThreadDict(TypedDict):
    """Chainlit's ThreadDict: a chat, as on_chat_resume(thread) is given it."""

    id: str
    createdAt: str | None
    name: str | None
    userId: str | None
    userIdentifier: str | None
    tags: list[str] | None
    metadata: dict[str, Any] | None
    steps: list[StepDict]
    elements: list[ElementDict] | None


def utc_now() -> str:
    """Chainlit's utc_now: the time now, UTC, in ISO 8601 with a Z and no offset."""
    return datetime.now(UTC).replace(tzinfo=None).isoformat() + "Z"


def thread_dict(session_id: str, title: str, user: Any, replayed: list[dict[str, Any]]) -> ThreadDict:
    """The chat session_id as Chainlit's ThreadDict: id, createdAt (its first message's
    time, as far as the replay reaches), name (its title), userId and userIdentifier (the
    username), tags, metadata, steps (its messages and steps, oldest first, as StepDicts)
    and elements."""
    username = user.get_username() if user is not None else None
    shown = [frame for frame in replayed if frame.get("type") in ("message", "step")]
    steps = [step_dict(session_id, frame) for frame in shown]
    return {
        "id": session_id,
        "createdAt": steps[0]["createdAt"] if steps else None,
        "name": title or None,
        "userId": username,
        "userIdentifier": username,
        "tags": None,
        "metadata": {},
        "steps": steps,
        "elements": [
            cast(ElementDict, {**element, "threadId": session_id, "forId": frame["id"]})
            for frame in shown
            for element in frame.get("elements", ())
        ],
    }


def step_dict(session_id: str, frame: dict[str, Any]) -> StepDict:
    """A message or step frame of the chat session_id as Chainlit's StepDict."""
    if frame["type"] == "message":
        return {
            "id": frame["id"],
            "threadId": session_id,
            "parentId": None,
            "name": frame["author"],
            "type": MESSAGE_TYPES.get(frame["role"], "system_message"),
            "input": "",
            "output": frame["content"],
            "isError": bool(frame.get("is_error")),
            "createdAt": frame.get("created"),
            "start": frame.get("created"),
            "end": frame.get("created"),
            "metadata": {},
        }
    return {
        "id": frame["id"],
        "threadId": session_id,
        "parentId": frame.get("parent_id"),
        "name": frame.get("name", ""),
        "type": frame.get("step_type", "undefined"),
        "input": frame.get("input", ""),
        "output": frame.get("output", ""),
        "isError": bool(frame.get("is_error")),
        "createdAt": frame.get("start"),
        "start": frame.get("start"),
        "end": frame.get("end"),
        "metadata": {},
    }
