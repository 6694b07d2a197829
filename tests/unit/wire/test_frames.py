"""The server's frames and codes, as the page reads them."""

from chatsessions.wire import frames
from chatsessions.wire.frames import CloseCode, ErrorCode


def test_the_page_gets_every_code_by_name():
    codes = frames.codes_for_the_page()
    assert codes["close"] == {code.name: int(code) for code in CloseCode}
    assert codes["error"] == {code.name: str(code) for code in ErrorCode}


def test_the_close_codes_are_distinct_and_in_the_application_range_or_normal():
    values = [int(code) for code in CloseCode]
    assert len(values) == len(set(values))
    assert all(value == 1000 or 4000 <= value < 5000 for value in values)


def test_an_error_frame_has_its_code_and_detail():
    assert frames.error(ErrorCode.INVALID_JSON, "not valid JSON") == {
        "type": "error",
        "code": "invalid_json",
        "detail": "not valid JSON",
    }
