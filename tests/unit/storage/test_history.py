"""history.py's pure parts: day groups, titles, the list's cursor."""

from datetime import UTC, date, datetime, timedelta, timezone
from uuid import uuid4

import pytest

from chatsessions.models import TITLE_LENGTH
from chatsessions.storage import history


@pytest.mark.parametrize(
    ("moment", "group"),
    [
        (datetime(2026, 11, 24, 0, 30, tzinfo=UTC), "Today"),
        (datetime(2026, 11, 23, 23, 30, tzinfo=UTC), "Yesterday"),
        (datetime(2026, 11, 18, 12, 0, tzinfo=UTC), "Previous 7 days"),
        (datetime(2026, 10, 30, 12, 0, tzinfo=UTC), "Previous 30 days"),
        (datetime(2026, 9, 2, 12, 0, tzinfo=UTC), "September 2026"),
    ],
)
def test_chats_are_grouped_by_the_day_of_their_last_activity(moment, group):
    assert history.day_group(moment, date(2026, 11, 24), UTC) == group


def test_a_title_folds_white_space_replaces_what_no_database_keeps_and_is_cut():
    assert history.fold_title("  two\n\twords  ") == "two words"
    assert history.fold_title("a\x00b\ud800") == "a\ufffdb\ufffd"
    long = history.fold_title("word " * 100)
    assert len(long) == TITLE_LENGTH and long.endswith("…")


def test_the_cursor_reads_back_what_it_wrote():
    cursor = history.Cursor(datetime(2026, 11, 24, 12, 0, tzinfo=UTC), uuid4())
    assert history.Cursor.parse(str(cursor)) == cursor


@pytest.mark.parametrize(
    "text",
    [
        "",
        "nonsense",
        f"2026-11-24T12:00:00~{uuid4()}",  # no offset
        f"2026-11-24T12:00:00+01:00~{uuid4()}",  # not the list's UTC
        f"2026-11-24T12:00:00+23:59~{uuid4()}",  # past what PostgreSQL takes
        "2026-11-24T12:00:00+00:00~not-a-uuid",
    ],
)
def test_a_cursor_the_list_did_not_give_is_a_bad_request(text):
    with pytest.raises(history.BadRequest):
        history.Cursor.parse(text)


def test_the_cursor_is_written_in_utc():
    paris = timezone(timedelta(hours=1))
    cursor = history.Cursor(datetime(2026, 11, 24, 13, 0, tzinfo=paris), uuid4())
    assert str(cursor).startswith("2026-11-24T12:00:00+00:00~")
