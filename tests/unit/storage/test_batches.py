"""A chat's batches alone: how a batch that could not be written merges with later ones."""

from datetime import UTC, datetime

from chatsessions.storage.batches import Batch, Edit, NewMessage, SessionChanges

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def test_a_later_batch_merges_after_an_earlier_one():
    earlier = Batch(edits=[Edit("m1", "a")], session=SessionChanges(status="live", message_count=1))
    later = Batch(edits=[Edit("m1", "b")], session=SessionChanges(status="disconnected"))
    merged = later.after(earlier)
    assert merged.edits == [Edit("m1", "a"), Edit("m1", "b")]
    assert merged.session.changed() == {"status": "disconnected", "message_count": 1}
    assert not Batch() and Batch(session=SessionChanges(status="live"))


def test_a_batch_given_back_keeps_its_messages_first_and_its_maybe_written_mark():
    first = NewMessage(1, "m1", "user", "alice", "hi", NOW)
    second = NewMessage(2, "m2", "assistant", "bot", "hello", NOW)
    earlier = Batch(messages=[first], maybe_written=True)
    merged = Batch(messages=[second]).after(earlier)
    assert merged.messages == [first, second] and merged.maybe_written


def test_session_changes_set_only_what_they_name():
    changes = SessionChanges(title="t")
    assert changes.changed() == {"title": "t"}
    assert changes.over(SessionChanges(status="live", title="old")).changed() == {
        "status": "live",
        "title": "t",
    }
    assert not SessionChanges()
