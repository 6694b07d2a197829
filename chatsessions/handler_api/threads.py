"""Chainlit's ThreadDict: what on_chat_resume(thread) is given, built from the chat as
its resume replays it (the last HISTORY_LIMIT messages and steps), so that a Chainlit
app that rebuilds its memory from thread["steps"] runs unchanged."""

from __future__ import annotations

from typing import Any

#: Chainlit's step types of the transcript's message roles.
MESSAGE_TYPES = {"user": "user_message", "assistant": "assistant_message"}


def thread_dict(session_id: str, title: str, user: Any, replayed: list[dict[str, Any]]) -> dict[str, Any]:
    """The chat session_id as Chainlit's ThreadDict: id, createdAt (its first message's
    time, as far as the replay reaches), name (its title), userId and userIdentifier (the
    username), tags, metadata, steps (its messages and steps, oldest first, as StepDicts)
    and elements."""
    username = user.get_username() if user is not None else None
    shown = [frame for frame in replayed if frame.get("type") in ("message", "step")]
    steps = [_step_dict(session_id, frame) for frame in shown]
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
            {**element, "threadId": session_id, "forId": frame["id"]}
            for frame in shown
            for element in frame.get("elements", ())
        ],
    }


def _step_dict(session_id: str, frame: dict[str, Any]) -> dict[str, Any]:
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
