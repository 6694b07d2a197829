"""The client's side of the wire protocol: its frames parsed and checked (frames.py builds
the server's)."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from . import frames
from .frames import ErrorCode


class ProtocolError(Exception):
    """A client frame the server refuses; becomes an error frame with a stable code."""

    def __init__(self, code: ErrorCode, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail

    def to_frame(self) -> dict[str, Any]:
        return frames.error(self.code, self.detail)


# Each frame a client sends is a class of its own, named by its "type": parsed by the
# parser of that name (_PARSERS below) and served by the inbox's method of that name
# (live/inbox.py). A new frame is a class, a parser and that method.


@dataclass(frozen=True)
class Start:
    type: ClassVar[str] = "start"

    profile: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    resume: str | None = None
    #: Which client: the chat page ("webapp") or a copilot, the chat on another page.
    client: str = "webapp"
    #: A copilot's page: its URL, and what the host page says it shows ("object").
    page: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ElementRef:
    """A custom element the chat shows: its id, and the message or step it is shown with."""

    id: str
    for_id: str


@dataclass(frozen=True)
class UserMessage:
    type: ClassVar[str] = "message"

    content: str
    id: str | None = None
    # The ids of files uploaded for it (see file_views.upload).
    files: tuple[str, ...] = ()
    # The command the user picked for it, and their choice in each mode picker.
    command: str | None = None
    modes: dict[str, str] | None = None
    # The custom element that sent it (sendUserMessage), as its id and its message's.
    from_element: ElementRef | None = None
    # Sent by the page hosting a copilot, not typed by the user: a system message.
    system: bool = False


@dataclass(frozen=True)
class Settings:
    type: ClassVar[str] = "settings"

    values: dict[str, Any]


@dataclass(frozen=True)
class Stop:
    type: ClassVar[str] = "stop"


@dataclass(frozen=True)
class ActionClick:
    type: ClassVar[str] = "action"

    id: str


@dataclass(frozen=True)
class Feedback:
    type: ClassVar[str] = "feedback"

    message_id: str
    value: int
    comment: str = ""


@dataclass(frozen=True)
class Edit:
    """The user edited a message of theirs: the chat goes on from it, as if it were new."""

    type: ClassVar[str] = "edit"

    message_id: str
    content: str


@dataclass(frozen=True)
class ElementUpdate:
    """A custom element's code changed its props (updateElement)."""

    type: ClassVar[str] = "element_update"

    element: ElementRef
    props: dict[str, Any]


@dataclass(frozen=True)
class ElementDelete:
    """A custom element's code removed it (deleteElement)."""

    type: ClassVar[str] = "element_delete"

    element: ElementRef


@dataclass(frozen=True)
class ElementAnswer:
    """A custom element answered the question it was asked with (AskElementMessage):
    submitElement(values), or cancelElement() (values None)."""

    type: ClassVar[str] = "element_answer"

    element: ElementRef
    values: dict[str, Any] | None


@dataclass(frozen=True)
class CallAction:
    """A custom element's code calls an action callback by name (callAction)."""

    type: ClassVar[str] = "call_action"

    #: The client's own id for the call: the action_result frame names it.
    id: str
    name: str
    payload: dict[str, Any]
    from_element: ElementRef


@dataclass(frozen=True)
class End:
    type: ClassVar[str] = "end"


@dataclass(frozen=True)
class WindowMessage:
    """What the page hosting a copilot (or the chat page's parent) posted to the chat."""

    type: ClassVar[str] = "window_message"

    data: Any


@dataclass(frozen=True)
class CallFnResult:
    """The answer of the copilot's host page to a CopilotFunction call (a call_fn frame)."""

    type: ClassVar[str] = "call_fn_result"

    id: str
    result: Any = None
    #: Why the page could not call it (no function of that name, or it threw).
    error: str | None = None


Frame = (
    Start
    | UserMessage
    | Settings
    | Stop
    | End
    | ActionClick
    | Feedback
    | Edit
    | ElementUpdate
    | ElementDelete
    | ElementAnswer
    | CallAction
    | WindowMessage
    | CallFnResult
)

MAX_ID_LENGTH = 64
MAX_MODES = 100
MAX_ENV_VALUE_LENGTH = 10_000
MAX_COMMENT_LENGTH = 2000
#: An action's name (handler_api.actions.MAX_ACTION_TEXT).
MAX_ACTION_NAME = 200
#: The most file ids a message frame may name (CHATSESSIONS's MAX_FILES_PER_MESSAGE is
#: checked after).
MAX_FILES_IN_FRAME = 100
#: The clients a start frame may name.
CLIENTS = ("webapp", "copilot")
#: A copilot page's URL, and the JSON of what its host says it shows.
MAX_PAGE_URL = 2048
MAX_PAGE_OBJECT_BYTES = 4096


_MISSING = object()
_TYPE_NAMES: dict[type, str] = {
    str: "a string",
    dict: "an object",
    int: "0 or 1",
    list: "a list",
    bool: "true or false",
}


def _field(data: dict[str, Any], name: str, kind: type, default: Any) -> Any:
    """Returns data[name] if it is of kind (or null where the default is None)."""
    value = data.get(name, _MISSING)
    if value is _MISSING or (value is None and default is None):
        return default
    if not isinstance(value, kind):
        raise ProtocolError(ErrorCode.INVALID_FIELD, f"{data['type']}.{name} must be {_TYPE_NAMES[kind]}")
    return value


def _parse_start(data: dict[str, Any]) -> Start:
    profile = _field(data, "profile", str, None)
    env = _field(data, "env", dict, None) or {}
    for key, value in env.items():
        if not isinstance(value, str) or len(value) > MAX_ENV_VALUE_LENGTH:
            raise ProtocolError(
                ErrorCode.INVALID_FIELD,
                f"start.env[{key!r}] must be a string of at most {MAX_ENV_VALUE_LENGTH} characters",
            )
    resume = _field(data, "resume", str, None)
    if resume is not None:
        try:
            resume = str(uuid.UUID(resume))
        except ValueError:
            raise ProtocolError(ErrorCode.INVALID_FIELD, "start.resume must be a session id") from None
    client = _field(data, "client", str, "webapp")
    if client not in CLIENTS:
        raise ProtocolError(ErrorCode.INVALID_FIELD, f"start.client must be one of {', '.join(CLIENTS)}")
    return Start(profile=profile, env=env, resume=resume, client=client, page=_page(data))


def _page(data: dict[str, Any]) -> dict[str, Any]:
    """A copilot's page: {"url": its URL, "object": what its host says it shows}."""
    page = _field(data, "page", dict, None)
    if not page:
        return {}
    url = page.get("url")
    if url is not None and (not isinstance(url, str) or len(url) > MAX_PAGE_URL):
        raise ProtocolError(
            ErrorCode.INVALID_FIELD, f"start.page.url must be a string of at most {MAX_PAGE_URL}"
        )
    shown = page.get("object")
    if shown is not None and len(json.dumps(shown)) > MAX_PAGE_OBJECT_BYTES:
        raise ProtocolError(
            ErrorCode.INVALID_FIELD,
            f"start.page.object must be JSON of at most {MAX_PAGE_OBJECT_BYTES} bytes",
        )
    return {"url": url, "object": shown}


def _parse_message(data: dict[str, Any]) -> UserMessage:
    content = _field(data, "content", str, _MISSING)
    if content is _MISSING:
        raise ProtocolError(ErrorCode.INVALID_FIELD, "message.content is required")
    message_id = _field(data, "id", str, None)
    if message_id is not None and not 0 < len(message_id) <= MAX_ID_LENGTH:
        raise ProtocolError(ErrorCode.INVALID_FIELD, f"message.id must be 1 to {MAX_ID_LENGTH} characters")
    command = _field(data, "command", str, None)
    if command is not None and not 0 < len(command) <= MAX_ID_LENGTH:
        raise ProtocolError(
            ErrorCode.INVALID_FIELD, f"message.command must be 1 to {MAX_ID_LENGTH} characters"
        )
    return UserMessage(
        content=content,
        id=message_id,
        files=_file_ids(_field(data, "files", list, None)),
        command=command,
        modes=_modes(_field(data, "modes", dict, None)),
        from_element=_element_ref(data, "from_element") if data.get("from_element") is not None else None,
        system=_field(data, "system", bool, False),
    )


def _modes(chosen: dict[str, Any] | None) -> dict[str, str] | None:
    if chosen is None:
        return None
    if len(chosen) > MAX_MODES or not all(
        isinstance(value, str) and 0 < len(value) <= MAX_ID_LENGTH and len(key) <= MAX_ID_LENGTH
        for key, value in chosen.items()
    ):
        raise ProtocolError(
            ErrorCode.INVALID_FIELD, f"message.modes maps at most {MAX_MODES} mode ids to option ids"
        )
    return dict(chosen)


def _file_ids(ids: list[Any] | None) -> tuple[str, ...]:
    if not ids:
        return ()
    if len(ids) > MAX_FILES_IN_FRAME:
        raise ProtocolError(
            ErrorCode.INVALID_FIELD, f"message.files names at most {MAX_FILES_IN_FRAME} files"
        )
    try:
        return tuple(str(uuid.UUID(file_id)) for file_id in ids)
    except (TypeError, ValueError, AttributeError):
        raise ProtocolError(ErrorCode.INVALID_FIELD, "message.files must be a list of file ids") from None


def _parse_settings(data: dict[str, Any]) -> Settings:
    values = _field(data, "values", dict, _MISSING)
    if values is _MISSING:
        raise ProtocolError(ErrorCode.INVALID_FIELD, "settings.values is required")
    return Settings(values=values)


def _id(data: dict[str, Any], name: str) -> str:
    value = _field(data, name, str, _MISSING)
    if value is _MISSING or not 0 < len(value) <= MAX_ID_LENGTH:
        raise ProtocolError(
            ErrorCode.INVALID_FIELD, f"{data['type']}.{name} must be 1 to {MAX_ID_LENGTH} characters"
        )
    return str(value)


def _parse_action(data: dict[str, Any]) -> ActionClick:
    return ActionClick(id=_id(data, "id"))


def _parse_feedback(data: dict[str, Any]) -> Feedback:
    value = data.get("value")
    if type(value) is not int or value not in (0, 1):  # not True or False either
        raise ProtocolError(ErrorCode.INVALID_FIELD, "feedback.value must be 0 (thumbs down) or 1 (up)")
    comment = _field(data, "comment", str, None) or ""
    if len(comment) > MAX_COMMENT_LENGTH:
        raise ProtocolError(
            ErrorCode.INVALID_FIELD, f"feedback.comment is limited to {MAX_COMMENT_LENGTH} characters"
        )
    return Feedback(message_id=_id(data, "for"), value=value, comment=comment)


def _parse_edit(data: dict[str, Any]) -> Edit:
    content = _field(data, "content", str, _MISSING)
    if content is _MISSING:
        raise ProtocolError(ErrorCode.INVALID_FIELD, "edit.content is required")
    return Edit(message_id=_id(data, "id"), content=content)


def _element_ref(data: dict[str, Any], name: str) -> ElementRef:
    """{"id": an element's id, "for": its message's id}."""
    ref = _field(data, name, dict, _MISSING)
    if ref is _MISSING:
        raise ProtocolError(ErrorCode.INVALID_FIELD, f"{data['type']}.{name} is required")
    ids = [ref.get(key) for key in ("id", "for")]
    if not all(isinstance(value, str) and 0 < len(value) <= MAX_ID_LENGTH for value in ids):
        raise ProtocolError(
            ErrorCode.INVALID_FIELD,
            f'{data["type"]}.{name} must be {{"id": ..., "for": ...}}, each 1 to {MAX_ID_LENGTH} characters',
        )
    return ElementRef(id=ids[0], for_id=ids[1])


def _object(data: dict[str, Any], name: str) -> dict[str, Any]:
    value = _field(data, name, dict, _MISSING)
    if value is _MISSING:
        raise ProtocolError(ErrorCode.INVALID_FIELD, f"{data['type']}.{name} is required")
    return dict(value)


def _parse_element_answer(data: dict[str, Any]) -> ElementAnswer:
    values = _field(data, "values", dict, None)  # null: the user cancelled
    return ElementAnswer(element=_element_ref(data, "element"), values=values)


def _parse_call_action(data: dict[str, Any]) -> CallAction:
    name = _field(data, "name", str, _MISSING)
    if name is _MISSING or not 0 < len(name) <= MAX_ACTION_NAME:
        raise ProtocolError(
            ErrorCode.INVALID_FIELD, f"call_action.name must be 1 to {MAX_ACTION_NAME} characters"
        )
    payload = _field(data, "payload", dict, None) or {}
    return CallAction(
        id=_id(data, "id"), name=name, payload=payload, from_element=_element_ref(data, "from_element")
    )


_PARSERS: dict[str, Callable[[dict[str, Any]], Frame]] = {
    Start.type: _parse_start,
    UserMessage.type: _parse_message,
    Settings.type: _parse_settings,
    Stop.type: lambda data: Stop(),
    End.type: lambda data: End(),
    ActionClick.type: _parse_action,
    Feedback.type: _parse_feedback,
    Edit.type: _parse_edit,
    ElementUpdate.type: lambda data: ElementUpdate(_element_ref(data, "element"), _object(data, "props")),
    ElementDelete.type: lambda data: ElementDelete(_element_ref(data, "element")),
    ElementAnswer.type: _parse_element_answer,
    CallAction.type: _parse_call_action,
    WindowMessage.type: lambda data: WindowMessage(data.get("data")),
    CallFnResult.type: lambda data: CallFnResult(
        _id(data, "id"), data.get("result"), _field(data, "error", str, None)
    ),
}


#: How deep objects and arrays may nest in a frame; no frame of the protocol needs more than 3.
MAX_DEPTH = 32
#: The largest integer a frame may carry: JavaScript's largest exact one, 2**53 - 1.
MAX_INTEGER = 2**53 - 1

# What no database column can keep: a lone UTF-16 surrogate (invalid UTF-8, refused by
# SQLite's driver and PostgreSQL) and NUL (refused by PostgreSQL text). Both reach a frame
# only through a JSON \u escape: a socket's text is valid UTF-8, and JSON refuses a raw NUL.
UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")


def _integer(text: str) -> int:
    value = int(text)
    if abs(value) > MAX_INTEGER:
        raise ProtocolError(ErrorCode.INVALID_JSON, f"integers are limited to ±{MAX_INTEGER}")
    return value


def _float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ProtocolError(ErrorCode.INVALID_JSON, f"the number {text[:40]} is out of range")
    return value


def _constant(text: str) -> Any:
    raise ProtocolError(ErrorCode.INVALID_JSON, f"{text} is not a JSON value")


def _check_nesting_and_text(value: Any, depth: int, check_text: bool) -> None:
    if depth > MAX_DEPTH:
        raise ProtocolError(ErrorCode.INVALID_JSON, f"JSON may nest at most {MAX_DEPTH} levels deep")
    if isinstance(value, str):
        if check_text and UNSTORABLE.search(value):
            raise ProtocolError(
                ErrorCode.INVALID_FIELD, "text must not contain NUL characters or unpaired surrogates"
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_nesting_and_text(key, depth, check_text)
            _check_nesting_and_text(item, depth + 1, check_text)
    elif isinstance(value, list):
        for item in value:
            _check_nesting_and_text(item, depth + 1, check_text)


def load_json(text: str) -> Any:
    """Parses JSON text as the protocol bounds it (nesting, numbers, storable text), or
    raises ProtocolError: the frames' parser, and the JSON bodies of the HTTP endpoints."""
    try:
        data = json.loads(text, parse_int=_integer, parse_float=_float, parse_constant=_constant)
    except ValueError:
        raise ProtocolError(ErrorCode.INVALID_JSON, "not valid JSON") from None
    except RecursionError:
        raise ProtocolError(
            ErrorCode.INVALID_JSON, f"JSON may nest at most {MAX_DEPTH} levels deep"
        ) from None
    # Both scans run in C; the walk runs only for the texts that may need it.
    check_text = "\\u" in text
    if check_text or text.count("[") + text.count("{") > MAX_DEPTH:
        _check_nesting_and_text(data, 0, check_text)
    return data


def parse_frame(text: str | None, data_bytes: bytes | None, max_bytes: int) -> Frame:
    """Parses one client frame, or raises ProtocolError saying what is wrong with it."""
    if text is None:
        raise ProtocolError(ErrorCode.BINARY_FRAME, "only JSON text frames are accepted")
    # A character is at most 4 bytes in UTF-8: skip the encode when it cannot matter.
    if len(text) * 4 > max_bytes and len(text.encode()) > max_bytes:
        raise ProtocolError(ErrorCode.FRAME_TOO_LARGE, f"frames are limited to {max_bytes} bytes")
    data = load_json(text)
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise ProtocolError(ErrorCode.INVALID_FRAME, 'a frame is a JSON object with a string "type"')
    parser = _PARSERS.get(data["type"])
    if parser is None:
        raise ProtocolError(
            ErrorCode.UNKNOWN_TYPE,
            f"unknown frame type {data['type'][:40]!r}; expected one of {sorted(_PARSERS)}",
        )
    return parser(data)
