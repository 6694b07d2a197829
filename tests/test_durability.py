"""Writes behind the chat are durable: within the write delay, in order, and on shutdown."""

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from chatsessions.testing import ChatClient
from tests.servers import ROOT, Server, login

PASSWORD = "durability-password"


class Deployment:
    """daphne or uvicorn on the demo project, with its own SQLite file."""

    def __init__(self, kind, tmp_path, write_delay):
        tmp_path.mkdir(parents=True, exist_ok=True)
        self.database = tmp_path / "db.sqlite3"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.durability_settings",
            "DATABASE_URL": f"sqlite:///{self.database}",
            "DEMO_PASSWORD": PASSWORD,
            "CHATSESSIONS_TEST_WRITE_DELAY": str(write_delay),
        }
        subprocess.run(
            [sys.executable, "manage.py", "demo", "--no-serve"],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
        )
        self.server = Server(self.env, tmp_path / "server.log", kind=kind, password=PASSWORD)
        self.port, self.base = self.server.port, self.server.base

    def rows(self, session_id):
        with sqlite3.connect(self.database) as db:
            messages = db.execute(
                "SELECT sequence, role, content FROM chatsessions_chatmessage"
                " WHERE session_id = ? ORDER BY sequence",
                [session_id.replace("-", "")],
            ).fetchall()
            store = db.execute(
                "SELECT store FROM chatsessions_chatsession WHERE id = ?", [session_id.replace("-", "")]
            ).fetchone()
        return messages, json.loads(store[0]) if store else None

    def journal_mode(self):
        with sqlite3.connect(self.database) as db:
            return db.execute("PRAGMA journal_mode").fetchone()[0]

    def terminate(self):
        self.server.process.send_signal(signal.SIGTERM)
        self.server.process.wait(30)
        self.server.log.close()

    def stop(self):
        self.server.stop()


async def chat(server, count):
    """Sends count messages and checks each reply; returns the session id and the client."""
    client = ChatClient(
        "default", server=server.base, cookie=login(server.base, "alice", PASSWORD), timeout=10
    )
    await client.connect()
    session = await client.start()
    for n in range(1, count + 1):
        assert (await client.send(f"message {n}")).content == f"You sent {n} message(s)!"
    return session["id"], client


def expected_rows(count):
    rows = []
    for n in range(1, count + 1):
        rows += [("user", f"message {n}"), ("assistant", f"You sent {n} message(s)!")]
    return [(sequence, *row) for sequence, row in enumerate(rows, start=1)]


@pytest.mark.parametrize("kind", ["daphne", "uvicorn"])
async def test_a_clean_shutdown_writes_every_answered_message(kind, tmp_path):
    server = Deployment(kind, tmp_path, write_delay=600)  # nothing is written before the shutdown
    try:
        session_id, _socket = await chat(server, 30)  # left open: the server is stopped under it
        assert server.rows(session_id) == ([], {})
        server.terminate()
        messages, store = server.rows(session_id)
        assert messages == expected_rows(30)
        assert store == {"counter": 30}
    finally:
        server.stop()


async def test_answers_reach_the_database_in_order_within_the_write_delay(tmp_path):
    server = Deployment("daphne", tmp_path, write_delay=0.2)
    try:
        session_id, socket = await chat(server, 50)
        answered = time.monotonic()
        while server.rows(session_id) != (expected_rows(50), {"counter": 50}):
            # A generous bound: the delay, plus a busy machine's worth of slack.
            assert time.monotonic() - answered < 0.2 + 5, server.rows(session_id)
            await asyncio.sleep(0.05)
        await socket.close()
    finally:
        server.stop()


async def test_with_no_write_delay_a_kill_never_loses_an_answer_the_client_saw(tmp_path):
    """WRITE_DELAY_SECONDS = 0 is the durable mode: a reply leaves only once it is committed.
    The demo's SQLite is in WAL mode with synchronous=NORMAL: a commit is in the log, which
    the next connection replays, though not yet synced to disk."""
    for attempt in range(3):
        server = Deployment("daphne", tmp_path / str(attempt), write_delay=0)
        try:
            assert server.journal_mode() == "wal"
            cookie = login(server.base, "alice", PASSWORD)
            client = ChatClient("default", server=server.base, cookie=cookie, timeout=10)
            await client.connect()
            session = await client.start()
            for n in range(1, 21):  # sent at once (20 may wait): the kill lands while replies stream out
                await client.send_later(f"message {n}")
            seen = 0
            while seen < 5 + 5 * attempt:
                if (await client.receive())["type"] == "message":
                    seen += 1
            server.server.kill()
            messages, _ = server.rows(session["id"])
            answers = [content for _, role, content in messages if role == "assistant"]
            assert answers[:seen] == [f"You sent {n} message(s)!" for n in range(1, seen + 1)]
        finally:
            server.stop()
