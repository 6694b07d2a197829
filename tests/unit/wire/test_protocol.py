"""parse_frame alone: every frame shape the client may send, and every refusal."""

import pytest

from chatsessions.wire.frames import ErrorCode
from chatsessions.wire.protocol import (
    CallFnResult,
    End,
    ProtocolError,
    Settings,
    Start,
    Stop,
    UserMessage,
    WindowMessage,
    parse_frame,
)

LIMIT = 4096


def parse(text):
    return parse_frame(text, None, LIMIT)


def test_each_frame_type_parses_to_its_dataclass():
    session_id = "6f1c0f5e-3f55-4a51-9d3a-0c2f4b1e9a77"
    start = parse(f'{{"type": "start", "profile": "fast", "env": {{"K": "v"}}, "resume": "{session_id}"}}')
    assert start == Start(profile="fast", env={"K": "v"}, resume=session_id)
    assert parse('{"type": "start"}') == Start()
    assert parse('{"type": "message", "content": "hi", "id": "m1"}') == UserMessage("hi", "m1")
    assert parse('{"type": "settings", "values": {"style": "plain"}}') == Settings({"style": "plain"})
    assert parse('{"type": "stop"}') == Stop()
    assert parse('{"type": "end"}') == End()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("{broken", ErrorCode.INVALID_JSON),
        ("[1, 2]", ErrorCode.INVALID_FRAME),
        ('{"type": 3}', ErrorCode.INVALID_FRAME),
        ('{"type": "dance"}', ErrorCode.UNKNOWN_TYPE),
        ('{"type": "message"}', ErrorCode.INVALID_FIELD),
        ('{"type": "message", "content": 5}', ErrorCode.INVALID_FIELD),
        ('{"type": "message", "content": "x", "id": ""}', ErrorCode.INVALID_FIELD),
        ('{"type": "settings"}', ErrorCode.INVALID_FIELD),
        ('{"type": "start", "resume": "not-a-uuid"}', ErrorCode.INVALID_FIELD),
        ('{"type": "start", "env": {"K": 1}}', ErrorCode.INVALID_FIELD),
        ('{"type": "message", "content": "\\u0000"}', ErrorCode.INVALID_FIELD),
        ('{"type": "message", "content": "\\ud800"}', ErrorCode.INVALID_FIELD),
        ('{"type": "stop", "n": NaN}', ErrorCode.INVALID_JSON),
        ('{"type": "stop", "n": 1e400}', ErrorCode.INVALID_JSON),
        ('{"type": "stop", "n": ' + "9" * 20 + "}", ErrorCode.INVALID_JSON),
        ('{"type": "stop", "n": ' + "[" * 40 + "]" * 40 + "}", ErrorCode.INVALID_JSON),
        ("[" * 2000, ErrorCode.INVALID_JSON),
        ('{"type": "message", "content": "' + "x" * LIMIT + '"}', ErrorCode.FRAME_TOO_LARGE),
    ],
)
def test_a_bad_frame_is_refused_with_its_code(text, code):
    with pytest.raises(ProtocolError) as refused:
        parse(text)
    assert refused.value.code == code
    assert refused.value.to_frame() == {"type": "error", "code": code, "detail": refused.value.detail}


def test_a_binary_frame_is_refused():
    with pytest.raises(ProtocolError) as refused:
        parse_frame(None, b"\x00", LIMIT)
    assert refused.value.code == ErrorCode.BINARY_FRAME


def test_a_paired_surrogate_escape_is_text_like_any_other():
    assert parse('{"type": "message", "content": "\\ud83d\\ude00"}') == UserMessage("😀")


def test_every_frame_type_is_served_by_the_inbox_method_of_its_name():
    """A new frame is a class, a parser and one Inbox method: nothing else dispatches."""
    import inspect

    from chatsessions.live.inbox import Inbox
    from chatsessions.wire.protocol import _PARSERS

    for name in _PARSERS:
        assert inspect.iscoroutinefunction(getattr(Inbox, name, None)), f"Inbox has no async {name}()"


def test_the_copilots_frames_parse():
    start = parse_frame(
        '{"type": "start", "client": "copilot", "page": {"url": "http://x/p/", "object": {"id": 4}}}',
        None,
        LIMIT,
    )
    assert (start.client, start.page) == ("copilot", {"url": "http://x/p/", "object": {"id": 4}})
    assert parse('{"type": "message", "content": "hi", "system": true}').system is True
    assert parse('{"type": "window_message", "data": [1, {"a": null}]}') == WindowMessage([1, {"a": None}])
    assert parse('{"type": "call_fn_result", "id": "c1", "result": 3}') == CallFnResult("c1", 3)
    assert parse('{"type": "call_fn_result", "id": "c1", "error": "no"}') == CallFnResult("c1", None, "no")


@pytest.mark.parametrize(
    "text",
    [
        '{"type": "start", "page": {"object": "' + "o" * 5000 + '"}}',
        '{"type": "message", "content": "x", "system": 1}',
        '{"type": "call_fn_result"}',
        '{"type": "call_fn_result", "id": "c", "error": 5}',
    ],
)
def test_the_copilots_bad_frames_are_refused(text):
    with pytest.raises(ProtocolError) as refused:
        parse_frame(text, None, 100_000)
    assert refused.value.code == ErrorCode.INVALID_FIELD
