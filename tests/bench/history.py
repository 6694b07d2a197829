"""Benchmark: the chat history's endpoints with 10,000 chats for one user (100,000 chats,
a million messages, with --chats 100000).

    .venv/bin/python -m tests.bench.history [--chats 10000] [--databases sqlite,postgresql]

For each database it sets up the demo, gives alice CHATS chats of 10 messages each and
one chat of 10,000 messages, starts the demo's daphne and times, over real
HTTP with alice's session, each request a page makes: the first page of the list, every
page to the end, a search that finds one old chat by a word in one message, searches by
a word of every title and of every message, and a page
of older messages deep in the long chat. It prints figures; it asserts none.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from tests.servers import ROOT, Server, login

PASSWORD = "bench-password"
RARE_WORD = "quetzalcoatl"
LONG_CHAT_MESSAGES = 10_000
REPEATS = 30
ADMIN_DATABASE = "postgresql://127.0.0.1:5432/postgres"


def populate(chats: int) -> None:
    """Runs in a subprocess with the database's environment: writes alice's chats."""
    import django

    django.setup()
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from chatsessions.models import ChatMessage, ChatSession

    alice = get_user_model().objects.get(username="alice")
    now = timezone.now()
    created = []
    for start in range(0, chats, 1000):
        rows = ChatSession.objects.bulk_create(
            ChatSession(owner=alice, app="default", title=f"chat number {n}", status="ended")
            for n in range(start, min(start + 1000, chats))
        )
        created += [row.pk for row in rows]
        messages = []
        for offset, row in enumerate(rows):
            n = start + offset
            for sequence in range(1, 11):
                word = RARE_WORD if (n, sequence) == (chats - 1, 7) else "ordinary"
                messages.append(
                    ChatMessage(
                        session=row,
                        sequence=sequence,
                        message_id=f"{n}-{sequence}",
                        role="user" if sequence % 2 else "assistant",
                        author="alice" if sequence % 2 else "Assistant",
                        content=f"message {sequence} of chat {n}, with an {word} word",
                        created_at=now,
                    )
                )
        ChatMessage.objects.bulk_create(messages, batch_size=2000)
    # Spread the chats' last activity over the past months, chat number 0 the newest
    # (bulk_update sets it as given: auto_now applies to save() alone).
    spread = [
        ChatSession(pk=pk, last_activity_at=now - timedelta(minutes=n * 17), message_count=10)
        for n, pk in enumerate(created)
    ]
    ChatSession.objects.bulk_update(spread, ["last_activity_at", "message_count"], batch_size=1000)
    long_chat = ChatSession.objects.create(owner=alice, app="default", title="the long chat", status="ended")
    ChatMessage.objects.bulk_create(
        (
            ChatMessage(
                session=long_chat,
                sequence=sequence,
                message_id=str(sequence),
                role="user",
                author="alice",
                content=f"line {sequence}",
                created_at=now,
            )
            for sequence in range(1, LONG_CHAT_MESSAGES + 1)
        ),
        batch_size=2000,
    )
    ChatSession.objects.filter(pk=long_chat.pk).update(last_activity_at=now - timedelta(days=400))
    # The planner's statistics, as autovacuum (PostgreSQL) would gather them by now.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


class Browser:
    def __init__(self, base: str, cookie: str) -> None:
        self.base, self.cookie = base, cookie

    def get(self, path: str) -> tuple[float, Any]:
        import json

        request = urllib.request.Request(self.base + path, headers={"Cookie": self.cookie})
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=30) as response:
            body = json.loads(response.read())
        return (time.perf_counter() - started) * 1000, body


def check(holds: bool, what: str) -> None:
    """The figures are of right answers only."""
    if not holds:
        raise SystemExit(f"wrong answer: {what}")


def timed(browser: Browser, path: str) -> list[float]:
    browser.get(path)  # warm
    return [browser.get(path)[0] for _ in range(REPEATS)]


def measure(database_url: str, chats: int, folder: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "chatsite.settings",
        "DATABASE_URL": database_url,
        "DEMO_PASSWORD": PASSWORD,
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "manage.py", "demo", "--no-serve"], cwd=ROOT, env=env, check=True)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "tests.bench.history", "--populate", "--chats", str(chats)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    print(f"  {chats} chats written in {time.perf_counter() - started:.0f} s", flush=True)
    command = [sys.executable, "manage.py", "demo", "127.0.0.1:{port}", "--noreload"]
    server = Server(env, folder / "server.log", command=command, password=PASSWORD)
    try:
        browser = Browser(server.base, login(server.base, "alice", PASSWORD))
        api = "/chat/api/default/chats/"
        results: dict[str, list[float]] = {"first page (30 chats)": timed(browser, api)}
        walk: list[float] = []
        cursor, listed = "", 0
        while True:
            took, page = browser.get(f"{api}?limit=100&cursor={urllib.parse.quote(cursor)}")
            walk.append(took)
            listed += len(page["chats"])
            if page["next"] is None:
                break
            cursor = page["next"]
        check(listed == chats + 1, f"the walk listed {listed} chats of {chats + 1}")
        results[f"every page of 100, to the end ({len(walk)} pages)"] = walk
        _, found = browser.get(f"{api}?q={RARE_WORD}")
        titles = [chat["title"] for chat in found["chats"]]
        check(titles == [f"chat number {chats - 1}"], f"the search found {titles}")
        results["search: a word in one message of the oldest chat"] = timed(browser, f"{api}?q={RARE_WORD}")
        results["search: a word in every chat's title"] = timed(browser, f"{api}?q=number")
        _, found = browser.get(f"{api}?q=ordinary")
        check(len(found["chats"]) == 30, f"the search for a common word found {len(found['chats'])}")
        results["search: a word in every message but one"] = timed(browser, f"{api}?q=ordinary")
        _, long_chat = browser.get(f"{api}?q=the+long+chat")
        long_id = long_chat["chats"][0]["id"]
        results["older messages: 50 before message 5,000"] = timed(
            browser, f"{api}{long_id}/messages/?before=5000"
        )
    finally:
        server.stop()
    return {
        name: f"p50 {statistics.median(ms):6.1f} ms   p95 {sorted(ms)[int(len(ms) * 0.95) - 1]:6.1f} ms"
        for name, ms in results.items()
    }


def postgresql_url() -> str | None:
    """A fresh database on the local PostgreSQL, or None if there is none."""
    try:
        import psycopg

        name = f"chatsessions_bench_{os.getpid()}"
        with psycopg.connect(ADMIN_DATABASE, autocommit=True, connect_timeout=3) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}"')
            db.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql://127.0.0.1:5432/{name}"
    except Exception as error:
        print(f"  PostgreSQL skipped: {error}")
        return None


def drop(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(ADMIN_DATABASE, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--chats", type=int, default=10_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--populate", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.populate:
        populate(args.chats)
        return
    for database in args.databases.split(","):
        with tempfile.TemporaryDirectory() as folder:
            print(f"{database}, {args.chats} chats of 10 messages for one user:", flush=True)
            url = f"sqlite:///{folder}/bench.sqlite3" if database == "sqlite" else postgresql_url()
            if url is None:
                continue
            try:
                for name, figures in measure(url, args.chats, Path(folder)).items():
                    print(f"  {name:<52} {figures}")
            finally:
                if database != "sqlite":
                    drop(url)


if __name__ == "__main__":
    main()
