"""Every frame the server sends, and the codes it sends: close codes and error codes.

The page reads both code tables from here (see views.chat_page), so a code is named in
one place only.
"""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum, StrEnum
from typing import Any, Protocol


class CloseCode(IntEnum):
    """Why the server closed a socket."""

    NORMAL = 1000  # the chat ended: on_chat_end has run
    ENDED_BY_SERVER = 4000
    FORBIDDEN_ORIGIN = 4003  # not 4403: the page must not retry
    BAD_START = 4400
    NOT_LOGGED_IN = 4401
    FORBIDDEN = 4403
    UNKNOWN_APP = 4404
    RESUMED_ELSEWHERE = 4409
    TOO_MUCH = 4429
    # Daphne (autobahn) lets a server send only 1000 or 3000-4999, so not 1011 or 1013.
    APP_UNAVAILABLE = 4500
    TRY_AGAIN_LATER = 4503


class ErrorCode(StrEnum):
    """The code of an error frame; docs/protocol.md says when each is sent."""

    # Refused before the chat starts (the socket then closes).
    START_REQUIRED = "start_required"
    NOT_LOGGED_IN = "not_logged_in"
    UNKNOWN_APP = "unknown_app"
    APP_UNAVAILABLE = "app_unavailable"
    UNAVAILABLE = "unavailable"
    FORBIDDEN = "forbidden"
    FORBIDDEN_ORIGIN = "forbidden_origin"
    RESUMED_ELSEWHERE = "resumed_elsewhere"
    # A frame refused; the socket stays open.
    BINARY_FRAME = "binary_frame"
    FRAME_TOO_LARGE = "frame_too_large"
    INVALID_JSON = "invalid_json"
    INVALID_FRAME = "invalid_frame"
    UNKNOWN_TYPE = "unknown_type"
    INVALID_FIELD = "invalid_field"
    INVALID_PROFILE = "invalid_profile"
    INVALID_SETTINGS = "invalid_settings"
    ALREADY_STARTED = "already_started"
    CHAT_ENDING = "chat_ending"
    FLOOD = "flood"
    RATE_LIMITED = "rate_limited"
    INTERNAL_ERROR = "internal_error"
    # What happened in the chat.
    HANDLER_ERROR = "handler_error"
    RESUME_UNAVAILABLE = "resume_unavailable"
    HISTORY_UNAVAILABLE = "history_unavailable"
    # Interactive chats: a click or a feedback the server cannot take.
    UNKNOWN_ACTION = "unknown_action"
    UNKNOWN_MESSAGE = "unknown_message"
    # A frame of a custom element that the chat does not show (any more).
    UNKNOWN_ELEMENT = "unknown_element"
    # A call_fn_result for no CopilotFunction call of this chat waiting (any more).
    UNKNOWN_CALL = "unknown_call"
    # An edit while a handler runs or waits on a question.
    EDIT_REFUSED = "edit_refused"
    # Files named in a message frame: not an unsent upload of this chat's user, or not
    # what the question asked for (its types, count or size).
    UNKNOWN_FILE = "unknown_file"
    FILE_REFUSED = "file_refused"


def codes_for_the_page() -> dict[str, dict[str, Any]]:
    """Returns both code tables by name, for the page's script."""
    return {
        "close": {code.name: int(code) for code in CloseCode},
        "error": {code.name: str(code) for code in ErrorCode},
    }


class MessageLike(Protocol):
    id: str
    role: str
    author: str
    content: str
    created: datetime | None


TASK_START: dict[str, Any] = {"type": "task", "state": "start"}
TASK_END: dict[str, Any] = {"type": "task", "state": "end"}


def error(code: ErrorCode, detail: str) -> dict[str, Any]:
    return {"type": "error", "code": code, "detail": detail}


def handler_error(event: str, exception: BaseException | None, expose: bool) -> dict[str, Any]:
    """The error frame for a handler that raised; its message only if expose."""
    detail = f"{event} failed"
    if expose:
        # A HandlerExit (see handler_api/registry.py) shows as the SystemExit or the like it stands for.
        shown = getattr(exception, "original", exception)
        detail += f": {type(shown).__name__}: {shown}"
    return error(ErrorCode.HANDLER_ERROR, detail)


def message(
    sent: MessageLike,
    actions: list[dict[str, Any]] | None = None,
    elements: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    frame: dict[str, Any] = {
        "type": "message",
        "id": sent.id,
        "role": sent.role,
        "author": sent.author,
        "content": sent.content,
        "created": sent.created.isoformat() if sent.created else None,
    }
    if getattr(sent, "is_error", False):
        frame["is_error"] = True
    if getattr(sent, "command", None):
        frame["command"] = sent.command  # type: ignore[attr-defined]
    if actions:
        frame["actions"] = actions
    if elements:
        frame["elements"] = elements
    return frame


def actions(message_id: str, buttons: list[dict[str, Any]]) -> dict[str, Any]:
    """The action buttons a message has now (after one was added or removed)."""
    return {"type": "actions", "for": message_id, "actions": buttons}


def ask(message_id: str, kind: str, timeout: float, spec: dict[str, Any] | None = None) -> dict[str, Any]:
    """A handler waits for the answer to message_id: the next text, a click on one of its
    actions, files (spec: accept, max_files, max_size_mb) or a custom element's submission
    (spec: {"element": its id}); timeout seconds are left."""
    frame = {"type": "ask", "for": message_id, "kind": kind, "timeout": timeout}
    if spec is not None and kind == "file":
        frame["files"] = spec
    elif spec is not None:
        frame.update(spec)
    return frame


def action_result(call_id: str, ok: bool, response: Any) -> dict[str, Any]:
    """How an action callback that a custom element called (call_action) ended: ok, and
    what it returned (null where that is not JSON), or not ok (it failed or was stopped)."""
    return {"type": "action_result", "id": call_id, "ok": ok, "response": response}


def ask_end(message_id: str) -> dict[str, Any]:
    return {"type": "ask_end", "for": message_id}


#: What the page gets of an LLM step's generation, as its "usage": the prompt and the
#: completion (which may be long: a whole conversation) stay in the transcript.
_USAGE_FIELDS = (
    "model",
    "input_token_count",
    "output_token_count",
    "token_count",
    "tt_first_token",
    "duration",
)


def step(fields: dict[str, Any]) -> dict[str, Any]:
    """A step of a handler, new or changed: its id, name and output, and its meta
    (steps.Step.meta; live/transcript.py, and replay from the transcript)."""
    if "generation" not in fields:
        return {"type": "step", **fields}
    shown = {"type": "step", **fields}
    generation = shown.pop("generation")
    if isinstance(generation, dict):
        shown["usage"] = {
            name: generation[name] for name in _USAGE_FIELDS if generation.get(name) is not None
        }
    return shown


def window_message(data: Any) -> dict[str, Any]:
    """What a handler sends the page hosting the chat (cl.send_window_message)."""
    return {"type": "window_message", "data": data}


def call_fn(call_id: str, name: str, args: dict[str, Any]) -> dict[str, Any]:
    """A CopilotFunction call: the copilot asks its host page to call name(args)."""
    return {"type": "call_fn", "id": call_id, "name": name, "args": args}


def call_fn_over(call_id: str) -> dict[str, Any]:
    """The call call_id is not waited on any more (timed out, or the handler stopped)."""
    return {"type": "call_fn_over", "id": call_id}


def feedback(message_id: str, value: int, comment: str) -> dict[str, Any]:
    return {"type": "feedback", "for": message_id, "value": value, "comment": comment}


def stream(message_id: str, token: str, replace: bool = False) -> dict[str, Any]:
    """A token of a message or a step; with replace, the whole text so far."""
    if replace:
        return {"type": "stream", "id": message_id, "token": token, "replace": True}
    return {"type": "stream", "id": message_id, "token": token}


def sidebar(
    title: str | None = None, elements: list[dict[str, Any]] | None = None, key: str | None = None
) -> dict[str, Any]:
    """The handler's side view (ElementSidebar): a title opens it; elements fill it, none
    close it."""
    frame: dict[str, Any] = {"type": "sidebar"}
    if title is not None:
        frame["title"] = title
    if elements is not None:
        frame.update(elements=elements, key=key)
    return frame


def commands(offered: list[dict[str, Any]]) -> dict[str, Any]:
    """The commands the composer offers now."""
    return {"type": "commands", "commands": offered}


def modes(offered: list[dict[str, Any]]) -> dict[str, Any]:
    """The mode pickers the composer offers now."""
    return {"type": "modes", "modes": offered}


def elements(message_id: str, shown: list[dict[str, Any]]) -> dict[str, Any]:
    """The elements a sent message shows now (the files that answered its question)."""
    return {"type": "elements", "for": message_id, "elements": shown}


def remove_element(element_id: str, for_id: str | None) -> dict[str, Any]:
    """An element taken away from the message or step for_id (or a task list)."""
    return {"type": "remove_element", "id": element_id, "for": for_id}


def tasklist(list_id: str, status: str, tasks: list[dict[str, Any]]) -> dict[str, Any]:
    """The task list (TaskList), new or changed."""
    return {"type": "tasklist", "id": list_id, "status": status, "tasks": tasks}


def chat_settings(widgets: list[dict[str, Any]], values: dict[str, Any]) -> dict[str, Any]:
    """The chat's settings widgets, sent by its handler (ChatSettings), and their values."""
    return {"type": "chat_settings", "settings": widgets, "values": values}


def update(message_id: str, content: str) -> dict[str, Any]:
    return {"type": "update", "id": message_id, "content": content}


def remove(message_id: str) -> dict[str, Any]:
    return {"type": "remove", "id": message_id}


def settings(values: dict[str, Any]) -> dict[str, Any]:
    return {"type": "settings", "values": values}


def session(
    *,
    session_id: str,
    resumed: bool,
    user: str | None,
    chat_profile: str | None,
    profiles: list[dict[str, Any]],
    widgets: list[dict[str, Any]],
    chat_settings: dict[str, Any],
    user_env: list[str],
    history: list[dict[str, Any]],
    history_before: int | None,
    starters: list[dict[str, Any]],
    starter_categories: list[dict[str, Any]],
    commands: list[dict[str, Any]],
    modes: list[dict[str, Any]],
    running: bool,
    ask: dict[str, Any] | None,
) -> dict[str, Any]:
    return {
        "type": "session",
        "id": session_id,
        "resumed": resumed,
        "user": user,
        "chat_profile": chat_profile,
        "profiles": profiles,
        "settings": widgets,
        "chat_settings": chat_settings,
        "user_env": user_env,
        "history": history,
        "history_before": history_before,
        "starters": starters,
        "starter_categories": starter_categories,
        "commands": commands,
        "modes": modes,
        "running": running,
        "ask": ask,
    }
