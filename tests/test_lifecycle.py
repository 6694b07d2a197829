"""A chat's life: start, handlers in order, stop, streaming, resume, end."""

import asyncio
import json
import os
import subprocess
import sys
import threading

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.test import override_settings

from chatsessions.live.chat import live_chats
from chatsessions.live.writer import writer
from chatsessions.models import ChatMessage, ChatSession, ChatWorker
from chatsessions.testing import HandlerError
from tests.chat_apps import probe
from tests.conftest import eventually
from tests.servers import ROOT, postgres_database


async def test_handlers_run_one_at_a_time_in_arrival_order(alice, sockets):
    chat = await sockets(alice)
    await chat.start()
    await chat.send_frame({"type": "message", "content": "sleep 0.2"})
    await chat.send_frame({"type": "message", "content": "echo a"})
    await chat.send_frame({"type": "message", "content": "count"})
    frames = [await chat.receive() for _ in range(9)]
    assert frames == [
        {"type": "task", "state": "start"},
        frames[1] | {"content": "slept"},
        {"type": "task", "state": "end"},
        {"type": "task", "state": "start"},
        frames[4] | {"content": "echo echo a"},
        {"type": "task", "state": "end"},
        {"type": "task", "state": "start"},
        frames[7] | {"content": "3"},
        {"type": "task", "state": "end"},
    ]


async def test_message_frames_carry_id_author_and_time(alice, sockets):
    chat = await sockets(alice)
    await chat.start()
    await chat.send("echo hi", id="client-1")
    [frame] = chat.frames
    assert frame.keys() == {"type", "id", "role", "author", "content", "created"}
    assert (frame["role"], frame["author"], frame["content"]) == ("assistant", "Assistant", "echo echo hi")
    assert frame["created"].endswith("+00:00")

    async def check():
        assert await ChatMessage.objects.filter(message_id="client-1", author="alice").aexists()

    await eventually(check)


async def test_stop_cancels_the_running_handler_then_runs_on_stop(alice, sockets):
    chat = await sockets(alice)
    await chat.start()
    await chat.send_frame({"type": "message", "content": "sleep 30"})
    assert await chat.receive() == {"type": "task", "state": "start"}
    await chat.send_frame({"type": "stop"})
    said = await chat.receive()  # first the chat says so, as Chainlit's does
    assert (said["type"], said["content"]) == ("message", "Task manually stopped.")
    stopped = await chat.receive()
    assert stopped["content"] == "stopped"
    assert await chat.receive() == {"type": "task", "state": "end"}
    assert (await chat.send("count")).content == "2"


async def test_stops_sent_again_and_again_stop_the_handler_once(alice, sockets):
    chat = await sockets(alice)
    await chat.start()
    await chat.send_frame({"type": "message", "content": "sleep 30"})
    assert await chat.receive() == {"type": "task", "state": "start"}
    for _ in range(5):
        await chat.send_frame({"type": "stop"})
    said = [await chat.receive() for _ in range(3)]
    assert [frame.get("content") for frame in said] == ["Task manually stopped.", "stopped", None]
    assert said[2] == {"type": "task", "state": "end"}
    assert (await chat.send("count")).content == "2"


async def test_the_socket_stays_responsive_while_a_handler_runs(alice, sockets):
    chat = await sockets(alice)
    await chat.start()
    await chat.send_frame({"type": "message", "content": "sleep 30"})
    assert await chat.receive() == {"type": "task", "state": "start"}
    await chat.send_frame("{broken")
    assert (await chat.receive(timeout=1))["code"] == "invalid_json"
    await chat.send_frame({"type": "stop"})
    assert (await chat.receive())["content"] == "Task manually stopped."
    assert (await chat.receive())["content"] == "stopped"


async def test_a_reply_streams_token_by_token_then_arrives_whole(alice, sockets):
    chat = await sockets(alice)
    await chat.start()
    await chat.send_frame({"type": "message", "content": "stream one two three"})
    frames = [await chat.receive() for _ in range(6)]
    assert (frames[0], frames[5]) == ({"type": "task", "state": "start"}, {"type": "task", "state": "end"})
    streamed = frames[1:4]
    assert [frame["token"] for frame in streamed] == ["one ", "two ", "three "]
    assert len({frame["id"] for frame in streamed}) == 1
    final = frames[4]
    assert (final["type"], final["id"], final["content"]) == ("message", streamed[0]["id"], "one two three ")


async def test_update_and_remove_reach_the_client_and_the_transcript(alice, sockets):
    chat = await sockets(alice)
    session = await chat.start()
    await chat.send("update")
    sent, updated = chat.frames
    assert updated == {"type": "update", "id": sent["id"], "content": "final"}
    await chat.send("remove")
    sent, removed = chat.frames
    assert removed == {"type": "remove", "id": sent["id"]}

    async def check():
        rows = ChatMessage.objects.filter(session_id=session["id"]).order_by("sequence")
        assert [row.content async for row in rows] == ["update", "final", "remove"]

    await eventually(check)


async def test_a_settings_change_is_confirmed_and_runs_on_settings_update(alice, sockets):
    chat = await sockets(alice)
    session = await chat.start()
    assert session["settings"][0] == {
        "type": "select",
        "id": "style",
        "label": "Style",
        "description": "",
        "tooltip": "",
        "disabled": False,
        "values": ["plain", "shouting"],
        "labels": ["plain", "shouting"],
        "initial": "plain",
    }
    values = await chat.settings(style="shouting", temperature=0.9)
    expected = {"emoji": False, "limit": 3, "signature": "", "style": "shouting", "temperature": 0.9}
    assert values == expected
    confirmed, update = chat.frames
    assert confirmed == {"type": "settings", "values": expected}
    assert update["content"] == f"settings {json.dumps(expected, sort_keys=True)}"

    async def check():
        assert (await ChatSession.objects.aget(pk=session["id"])).chat_settings == expected

    await eventually(check)


async def test_profiles_are_offered_and_the_default_is_chosen(alice, sockets):
    chat = await sockets(alice)
    session = await chat.start()
    assert [profile["name"] for profile in session["profiles"]] == ["fast", "smart"]
    assert session["chat_profile"] == "smart"
    assert session["user_env"] == ["API_KEY"]


async def test_env_values_are_never_written_to_the_database(alice, sockets, caplog):
    chat = await sockets(alice)
    session = await chat.start(env={"API_KEY": "sk-very-secret"})
    with pytest.raises(HandlerError):
        await chat.send("boom")
    await chat.send("echo hi")
    row = await ChatSession.objects.aget(pk=session["id"])
    assert row.env_keys == ["API_KEY"]
    dumped = json.dumps([row.store, row.unpersisted_keys, row.env_keys, row.chat_settings])
    assert "sk-very-secret" not in dumped
    assert "sk-very-secret" not in caplog.text


async def test_the_store_snapshot_keeps_serialisable_keys_and_names_the_others(alice, sockets):
    chat = await sockets(alice)
    session = await chat.start()
    await chat.send("set colour=blue")
    await chat.send("lock")

    async def check():
        row = await ChatSession.objects.aget(pk=session["id"])
        assert row.store == {"count": 2, "colour": "blue"}
        assert row.unpersisted_keys == {"lock": "lock"}
        assert row.message_count == 4

    await eventually(check)


async def test_chats_opened_at_once_each_have_their_row_before_their_session_frame(alice, bob, sockets):
    # Their rows share transactions (a group commit); each opener still waits for its own.
    chats = [await sockets(alice if n % 2 else bob) for n in range(30)]
    ids = set()

    async def open_and_look_up(chat):
        session = await chat.start()
        assert await ChatSession.objects.filter(pk=session["id"], status="live").aexists()
        ids.add(session["id"])

    await asyncio.gather(*(open_and_look_up(chat) for chat in chats))
    assert len(ids) == 30
    assert await ChatSession.objects.filter(owner=alice).acount() == 15


async def test_sockets_dropped_at_once_each_leave_their_chat_written(alice, sockets):
    # Their writes share transactions (a group commit); each socket's end still waits
    # for its own chat's.
    chats = [await sockets(alice) for _ in range(30)]
    sessions = await asyncio.gather(*(chat.start() for chat in chats))
    await asyncio.gather(*(chat.send(f"count {n}") for n, chat in enumerate(chats)))
    await asyncio.gather(*(chat.close() for chat in chats))
    ids = [session["id"] for session in sessions]
    rows = ChatSession.objects.filter(pk__in=ids)
    assert {row.status async for row in rows} == {"disconnected"}
    said = ChatMessage.objects.filter(session_id__in=ids, role="user").values_list("session_id", "content")
    assert {(str(session_id), content) async for session_id, content in said} == {
        (session_id, f"count {n}") for n, session_id in enumerate(ids)
    }


async def pending_chat(sockets, user):
    """A chat with one exchange taken but not yet written (the write delay is a minute)."""
    chat = await sockets(user)
    session = await chat.start()
    await chat.send("count")
    journal = live_chats[session["id"]].journal
    assert journal.transcript_pending
    return session["id"], journal


async def written(session_id):
    said = ChatMessage.objects.filter(session_id=session_id).order_by("sequence").values_list("content")
    return [content async for (content,) in said]


async def cancel_a_queued_write(journal, also_the_database_call):
    """Cancels a write while it waits for the one database thread (kept busy meanwhile);
    a clean stop cancels the writer so, and at last every task, the database call too."""
    gate = threading.Event()
    busy = asyncio.ensure_future(database_sync_to_async(gate.wait)())
    write = asyncio.ensure_future(writer().write([journal]))
    await asyncio.sleep(0.1)  # the write has taken the batch and waits for the thread
    assert not journal.transcript_pending
    write.cancel()
    if also_the_database_call:
        for task in asyncio.all_tasks():
            if task.get_name() == "chatsessions write":
                task.cancel()
    gate.set()
    await busy
    with pytest.raises(asyncio.CancelledError):
        await write


@override_settings(CHATSESSIONS={**settings.CHATSESSIONS, "WRITE_DELAY_SECONDS": 60})
async def test_a_write_whose_caller_is_cancelled_still_reaches_the_database(alice, sockets):
    session_id, journal = await pending_chat(sockets, alice)
    await cancel_a_queued_write(journal, also_the_database_call=False)

    async def check():
        assert await written(session_id) == ["count", "1"]

    await eventually(check)
    assert not journal.transcript_pending


@override_settings(CHATSESSIONS={**settings.CHATSESSIONS, "WRITE_DELAY_SECONDS": 60})
async def test_a_write_cancelled_with_its_database_call_gives_its_batch_back(alice, sockets, caplog):
    # Whether the call was cancelled before the thread took it or committed just as it
    # was cancelled, asyncio cannot tell; the batch goes back either way, and writing its
    # messages again leaves them once, with no refusal logged.
    session_id, journal = await pending_chat(sockets, alice)
    await cancel_a_queued_write(journal, also_the_database_call=True)
    await asyncio.sleep(0)  # the cancelled call's callback
    assert journal.transcript_pending  # for the next write, or the one at exit
    assert await writer().write([journal])
    assert await written(session_id) == ["count", "1"]
    assert not [record for record in caplog.records if record.levelname == "ERROR"]


@override_settings(CHATSESSIONS={**settings.CHATSESSIONS, "WRITE_DELAY_SECONDS": 60})
async def test_a_write_waiting_behind_a_cancelled_one_returns_once_that_one_is_written(alice, sockets):
    # A handover's write returns only once the chat is written: also when the write it
    # queued behind was cancelled, and took the chat's changes with it.
    session_id, journal = await pending_chat(sockets, alice)
    gate = threading.Event()
    busy = asyncio.ensure_future(database_sync_to_async(gate.wait)())
    first = asyncio.ensure_future(writer().write([journal]))
    await asyncio.sleep(0.1)  # it has taken the changes and waits for the thread
    second = asyncio.ensure_future(writer().write([journal]))
    await asyncio.sleep(0.1)
    first.cancel()
    await asyncio.sleep(0.1)
    assert not second.done()  # it waits for the cancelled one's write
    gate.set()
    await busy
    assert await second
    assert await written(session_id) == ["count", "1"]


WRITE_TWICE = """
import json
import django
django.setup()
from django.core.management import call_command
from django.contrib.auth.models import User
from django.utils import timezone
from chatsessions.storage import persistence
from chatsessions.storage.batches import Batch, NewMessage
from chatsessions.models import ChatMessage, ChatSession, ChatWorker

call_command("migrate", verbosity=0)
row = ChatSession.objects.create(owner=User.objects.create_user("alice"), app="default")
now = timezone.now()

def write(maybe_written):
    said = [NewMessage(n, f"m{n}", "user", "alice", f"said {n}", now) for n in (1, 2)]
    batch = Batch(messages=said, maybe_written=maybe_written)
    outcome = persistence.write_batches([(str(row.pk), row.holder_epoch, batch)], now)
    return {"refused": bool(outcome.refused), "rows": ChatMessage.objects.filter(session=row).count()}

print(json.dumps([write(False), write(True), write(False)]))
"""


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_a_batch_written_again_after_a_cancelled_write_leaves_each_message_once(database, tmp_path):
    # On PostgreSQL, new messages go by COPY, and those that may be there by INSERT ...
    # ON CONFLICT DO NOTHING; a message written twice by mistake is still refused.
    def run(url):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "chatsite.settings", "DATABASE_URL": url}
        done = subprocess.run(
            [sys.executable, "-c", WRITE_TWICE],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])

    if database == "sqlite":
        writes = run(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    else:
        with postgres_database() as url:
            writes = run(url)
    assert writes == [
        {"refused": False, "rows": 2},  # written
        {"refused": False, "rows": 2},  # its cancelled write had committed: no harm
        {"refused": True, "rows": 2},  # not marked so: refused, as any bad write is
    ]


@pytest.mark.django_db(transaction=True)
def test_a_batch_of_new_rows_with_one_the_database_refuses_inserts_the_others(alice):
    from chatsessions.storage import persistence

    good = [ChatSession(owner=alice, app="default") for _ in range(3)]
    orphan = ChatSession(owner_id=alice.pk + 1000, app="default")  # no such user
    errors = persistence.insert_sessions([good[0], orphan, *good[1:]])
    assert [error is None for error in errors] == [True, False, True, True]
    assert set(ChatSession.objects.values_list("pk", flat=True)) == {row.pk for row in good}


@pytest.mark.django_db(transaction=True)
def test_a_worker_is_alive_from_its_first_chat_before_its_first_heartbeat(alice, monkeypatch):
    # Its heartbeat loop first beats HEARTBEAT_SECONDS after it starts. A worker that
    # sweeps for orphans meanwhile must not take its chats for a dead worker's (when
    # RESUME_GRACE_SECONDS is shorter than a beat, as in a CI run that failed so).
    from chatsessions.storage import persistence

    monkeypatch.setattr(persistence, "_recorded_in", None)  # a fresh process
    row = ChatSession(owner=alice, app="default", holder=persistence.this_worker().pk)
    persistence.insert_sessions([row])
    assert persistence.orphans(lease_seconds=60, grace_seconds=0) == []
    claimed = ChatSession.objects.create(owner=alice, app="default")
    monkeypatch.setattr(persistence, "_recorded_in", None)
    ChatWorker.objects.all().delete()
    persistence.take_over(str(claimed.pk), 0, persistence.this_worker().pk)
    assert persistence.orphans(lease_seconds=60, grace_seconds=0) == []
    assert ChatWorker.objects.get().pk == persistence.this_worker().pk


@pytest.mark.django_db(transaction=True)
def test_a_takeover_claims_a_chat_once_and_an_ended_one_only_to_reopen_it(alice):
    from uuid import uuid4

    from chatsessions.storage import persistence

    row = ChatSession.objects.create(owner=alice, app="default", store={"counter": 2}, holder_epoch=4)
    ChatMessage.objects.create(
        session=row, sequence=7, message_id="m7", role="assistant", content="last", created_at=row.started_at
    )
    chat = str(row.pk)
    assert persistence.claim_state(chat) == (alice.pk, "default", "live", 4)
    worker, other = uuid4(), uuid4()
    taken = persistence.take_over(chat, 4, worker)
    assert isinstance(taken, persistence.TakenOver)
    assert (taken.row.holder_epoch, taken.row.holder, taken.row.store) == (5, worker, {"counter": 2})
    assert (taken.next_sequence, taken.last_message.content) == (8, "last")
    assert persistence.take_over(chat, 4, other) is persistence.NotTaken.CLAIMED  # seen before the claim
    ChatSession.objects.filter(pk=row.pk).update(status="ended")
    assert persistence.take_over(chat, 5, other) is persistence.NotTaken.ENDED
    reopened = persistence.take_over(chat, 5, other, reopen=True)
    assert isinstance(reopened, persistence.TakenOver) and reopened.row.status == "live"
    assert ChatSession.objects.get(pk=row.pk).holder == other
    missing = str(uuid4())
    assert persistence.claim_state(missing) is None
    assert persistence.take_over(missing, 0, worker) is persistence.NotTaken.ENDED


async def test_a_dropped_socket_leaves_the_chat_resumable_not_ended(alice, sockets):
    chat = await sockets(alice)
    session = await chat.start()
    await chat.send("count")
    await chat.close()
    row = await ChatSession.objects.aget(pk=session["id"])
    assert row.status == ChatSession.Status.DISCONNECTED
    assert session["id"] not in probe.ended


async def test_resume_in_the_same_process_continues_the_store_and_replays_history(alice, sockets):
    chat = await sockets(alice)
    session = await chat.start()
    await chat.send("count")
    await chat.send("count")
    await chat.close()

    again = await sockets(alice)
    resumed = await again.start(resume=session["id"])
    assert (resumed["id"], resumed["resumed"]) == (session["id"], True)
    assert [(m["role"], m["content"]) for m in resumed["history"]] == [
        ("user", "count"),
        ("assistant", "1"),
        ("user", "count"),
        ("assistant", "2"),
    ]
    assert [frame["content"] for frame in again.frames] == ["resumed at 2"]
    assert (await again.send("count")).content == "3"

    async def live_again():  # written behind, with the writer's next batch
        assert (await ChatSession.objects.aget(pk=session["id"])).status == ChatSession.Status.LIVE

    await eventually(live_again)


async def test_resume_from_the_snapshot_when_the_chat_is_not_live_here(alice, sockets):
    chat = await sockets(alice)
    session = await chat.start(profile="fast")
    await chat.send_frame({"type": "settings", "values": {"style": "shouting"}})
    assert (await chat.receive())["type"] == "settings"
    await chat.wait()
    await chat.send("set colour=blue")
    await chat.close()
    live_chats.clear()  # as if the process restarted

    again = await sockets(alice)
    resumed = await again.start(resume=session["id"], env={"API_KEY": "k2"})
    assert resumed["chat_profile"] == "fast"
    assert resumed["chat_settings"]["style"] == "shouting"
    assert [frame["content"] for frame in again.frames] == ["resumed at 1"]
    values = json.loads((await again.send("reserved")).content)
    assert values["env"] == {"API_KEY": "k2"}
    assert values["root_message"] == "reserved"
    assert (await again.send("get colour")).content == "'blue'"


async def test_resume_of_another_users_chat_is_refused_4403(alice, bob, sockets):
    chat = await sockets(alice)
    session = await chat.start()
    intruder = await sockets(bob)
    await intruder.send_frame({"type": "start", "resume": session["id"]})
    assert await intruder.closed() == 4403
    assert (await chat.send("count")).content == "1"


async def test_resume_of_an_unknown_or_other_app_chat_is_refused_4403(alice, sockets):
    chat = await sockets(alice)
    session = await chat.start()
    for path, resume in [
        ("/ws/chat/probe/", "00000000-0000-0000-0000-000000000000"),
        ("/ws/chat/", session["id"]),
    ]:
        other = await sockets(alice, path)
        await other.send_frame({"type": "start", "resume": resume})
        assert await other.closed() == 4403


async def test_a_second_socket_resuming_a_live_chat_takes_it_over(alice, sockets):
    first = await sockets(alice)
    session = await first.start()
    await first.send("count")
    second = await sockets(alice)
    await second.start(resume=session["id"])
    assert await first.closed() == 4409
    assert (await second.send("count")).content == "2"


async def test_end_runs_on_chat_end_once_and_closes_normally(alice, sockets):
    chat = await sockets(alice)
    session = await chat.start()
    await chat.send_frame({"type": "end"})
    assert await chat.closed() == 1000
    row = await ChatSession.objects.aget(pk=session["id"])
    assert row.status == ChatSession.Status.ENDED
    assert row.ended_at is not None
    assert probe.ended.count(session["id"]) == 1


async def test_an_ended_chat_reopens_with_its_store_and_history_and_ends_again(alice, sockets):
    chat = await sockets(alice)
    session = await chat.start()
    assert (await chat.send("count")).content == "1"
    await chat.send_frame({"type": "end"})
    assert await chat.closed() == 1000
    again = await sockets(alice)
    reopened = await again.start(resume=session["id"])
    assert (reopened["id"], reopened["resumed"]) == (session["id"], True)
    assert [m["content"] for m in reopened["history"]][-2:] == ["count", "1"]
    assert [frame["content"] for frame in again.frames] == ["resumed at 1"]  # on_chat_resume
    row = await ChatSession.objects.aget(pk=session["id"])
    assert (row.status, row.ended_at) == (ChatSession.Status.LIVE, None)
    assert (await again.send("count")).content == "2"
    await again.send_frame({"type": "end"})
    assert await again.closed() == 1000
    assert probe.ended.count(session["id"]) == 2  # on_chat_end at each real end
    assert (await ChatSession.objects.aget(pk=session["id"])).status == ChatSession.Status.ENDED


@override_settings(
    CHATSESSIONS={**settings.CHATSESSIONS, "REOPEN_ENDED_CHATS": False},
)
async def test_with_reopening_off_a_resume_of_an_ended_chat_starts_a_new_one_and_says_so(alice, sockets):
    chat = await sockets(alice)
    session = await chat.start()
    await chat.send_frame({"type": "end"})
    await chat.closed()
    again = await sockets(alice)
    await again.send_frame({"type": "start", "resume": session["id"]})
    assert (await again.receive())["code"] == "resume_unavailable"
    fresh = await again.expect("session")
    assert fresh["id"] != session["id"] and fresh["resumed"] is False


async def test_messages_after_end_are_refused(alice, sockets):
    chat = await sockets(alice)
    await chat.start()
    await chat.send_frame({"type": "message", "content": "sleep 0.2"})
    await chat.send_frame({"type": "end"})
    await chat.send_frame({"type": "message", "content": "too late"})
    frames = []
    with pytest.raises(AssertionError):
        while True:
            frames.append(await chat.receive())
    assert {
        "type": "error",
        "code": "chat_ending",
        "detail": "this chat is ending; start a new one",
    } in frames


@override_settings(CHATSESSIONS={"APPS": {"probe": "tests.chat_apps.probe"}, "RESUME_GRACE_SECONDS": 0.2})
async def test_a_chat_not_resumed_within_the_grace_period_ends_once(alice, sockets):
    chat = await sockets(alice)
    session = await chat.start()
    await chat.close()
    await asyncio.wait_for(_until_ended(session["id"]), 5)
    row = await ChatSession.objects.aget(pk=session["id"])
    assert row.status == ChatSession.Status.ENDED
    assert probe.ended.count(session["id"]) == 1


@override_settings(CHATSESSIONS={"APPS": {"probe": "tests.chat_apps.probe"}, "RESUME_GRACE_SECONDS": 0.3})
async def test_a_resume_within_the_grace_period_keeps_the_chat_alive(alice, sockets):
    chat = await sockets(alice)
    session = await chat.start()
    await chat.close()
    again = await sockets(alice)
    await again.start(resume=session["id"])
    await asyncio.sleep(0.5)
    assert session["id"] not in probe.ended
    assert (await again.send("count")).content == "1"


async def _until_ended(session_id):
    while session_id not in probe.ended or session_id in live_chats:
        await asyncio.sleep(0.02)
