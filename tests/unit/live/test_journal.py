"""The journal, its batches and the writer, against the test database but without a socket."""

from datetime import UTC, datetime

import pytest

from chatsessions.handler_api.session import SessionStore
from chatsessions.live.journal import Journal, Lost
from chatsessions.live.writer import writer
from chatsessions.models import ChatMessage, ChatSession
from chatsessions.storage.persistence import storable

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def test_storable_replaces_what_no_database_keeps_and_cuts_to_the_columns():
    journal = Journal("s", 0, SessionStore({}), 0, 1, on_lost=None)
    journal.added("\ud800" * 100, "assistant", "a" * 400, "x\x00y", NOW)
    journal.settings({"k\x00": "\udfff"})
    fixed = storable(journal.take())
    [message] = fixed.messages
    assert message.content == "x\ufffdy" and len(message.message_id) == 64 and len(message.author) == 150
    assert fixed.session.chat_settings == {"k\ufffd": "\ufffd"}


class Owner:
    """What the writer calls back when it cannot write a chat."""

    def __init__(self):
        self.lost = []

    async def on_lost(self, why):
        self.lost.append(why)


async def journal_of(user, epoch=0):
    row = await ChatSession.objects.acreate(owner=user, app="probe", holder_epoch=epoch)
    owner = Owner()
    store = SessionStore({}, {})
    return row, Journal(str(row.id), epoch, store, 0, 1, owner.on_lost), owner


@pytest.mark.django_db(transaction=True)
async def test_the_writer_writes_messages_edits_and_the_snapshot_in_order(alice):
    row, journal, owner = await journal_of(alice)
    journal.added("m1", "user", "alice", "hi", NOW)
    journal.added("m2", "assistant", "Assistant", "draft", NOW)
    journal.edited("m2", "final")
    journal.store.set("counter", 2)
    await writer().committed(journal)  # the durable path: returns once committed
    rows = [(m.sequence, m.message_id, m.content) async for m in ChatMessage.objects.filter(session=row)]
    assert rows == [(1, "m1", "hi"), (2, "m2", "final")]
    saved = await ChatSession.objects.aget(pk=row.pk)
    assert (saved.store, saved.message_count, saved.status) == ({"counter": 2}, 2, "live")
    journal.removed("m1", "user")
    journal.ended(NOW)
    assert await writer().write([journal])
    saved = await ChatSession.objects.aget(pk=row.pk)
    assert (saved.message_count, saved.status, saved.ended_at) == (1, "ended", NOW)
    assert not owner.lost


@pytest.mark.django_db(transaction=True)
async def test_a_chat_claimed_elsewhere_or_deleted_is_lost_not_written(alice):
    row, journal, owner = await journal_of(alice, epoch=0)
    await ChatSession.objects.filter(pk=row.pk).aupdate(holder_epoch=1)  # another process claimed it
    journal.added("m1", "user", "alice", "late", NOW)
    await writer().write([journal])
    assert owner.lost == [Lost.SUPERSEDED]
    assert not await ChatMessage.objects.filter(session=row).aexists()

    row, journal, owner = await journal_of(alice)
    await row.adelete()
    journal.status(ChatSession.Status.DISCONNECTED)
    await writer().write([journal])
    assert owner.lost == [Lost.DELETED]
