"""The history's search on both databases, migrated as a deploy migrates them: the chats
whose title or any message holds the words, ignoring case, newest first, paged by the
list's cursor, the same on SQLite and PostgreSQL; and on PostgreSQL the trigram index of
migration 0012 under the message search."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.parse
import uuid

import psycopg
import pytest
from psycopg import sql

from tests.conftest import require
from tests.servers import PG_ADMIN_URL, ROOT, postgres_available, postgres_database

SEARCH = r"""
import json
from datetime import UTC, timedelta

import django

django.setup()
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from chatsessions.models import ChatMessage, ChatSession
from chatsessions.storage.history import Cursor, chat_list

call_command("migrate", verbosity=0)
User = get_user_model()
ann, other = User.objects.create_user("ann"), User.objects.create_user("other")
now = timezone.now()
expected = []
for n in range(40):
    title = f"chat {n}" + (" about a KeTTle" if n % 3 == 0 else "")
    chat = ChatSession.objects.create(owner=ann, app="default", title=title)
    said = "boil the kettle now" if n % 4 == 0 else "nothing to see"
    for sequence, content in enumerate(["hello", said, "bye"], 1):
        ChatMessage.objects.create(
            session=chat, sequence=sequence, message_id=f"{n}-{sequence}", role="user",
            author="ann", content=content, created_at=now,
        )
    # Pairs of chats share a moment: the cursor's id breaks the tie.
    ChatSession.objects.filter(pk=chat.pk).update(last_activity_at=now - timedelta(minutes=n // 2))
    if n % 3 == 0 or n % 4 == 0:
        expected.append(chat)
theirs = ChatSession.objects.create(owner=other, app="default", title="their kettle")
ChatSession.objects.create(owner=ann, app="other-app", title="a kettle elsewhere")
expected.sort(key=lambda chat: (ChatSession.objects.get(pk=chat.pk).last_activity_at, chat.pk), reverse=True)

def walk(text, limit):
    found, after = [], None
    while True:
        page = chat_list(ann, "default", text=text, after=after, limit=limit, zone=UTC)
        found += [chat["id"] for chat in page["chats"]]
        if page["next"] is None:
            return found
        after = Cursor.parse(page["next"])

plan = None
if connection.vendor == "postgresql":
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'chatmessage_content_trgm'"
        )
        row = cursor.fetchone()
        plan = {"index": row and row[0]}
        # Whether the index can serve the search's own query: with sequential scans off,
        # the planner takes it if the expressions match.
        cursor.execute("SET enable_seqscan = off")
        matching = ChatMessage.objects.filter(content__icontains="kettle").values("session_id")
        plan["explain"] = matching.explain()
print(json.dumps({
    "expected": [str(chat.pk) for chat in expected],
    "by_5": walk("kettle", 5),
    "by_100": walk("  KETTLE ", 100),
    "title_only": walk("about a", 100),
    "message_only": walk("boil", 100),
    "wildcards": [walk(text, 100) for text in ("%", "_", "k%e")],
    "plan": plan,
}))
"""


def search_on(url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "chatsite.settings", "DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-c", SEARCH], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def found_in(done: subprocess.CompletedProcess[str]) -> dict:
    """What the script found, checked against what it expected."""
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    expected = found["expected"]
    assert len(expected) == 20  # n % 3 == 0 or n % 4 == 0, of 0..39
    assert found["by_5"] == expected  # 4 pages and a cursor through ties
    assert found["by_100"] == expected
    assert len(found["title_only"]) == 14 and len(found["message_only"]) == 10
    assert found["wildcards"] == [[], [], []]
    return found


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_the_search_finds_titles_and_messages_newest_first_on_both_databases(database, tmp_path):
    if database == "sqlite":
        found = found_in(search_on(f"sqlite:///{tmp_path / 'db.sqlite3'}"))
        assert found["plan"] is None
        return
    with postgres_database() as url:
        found = found_in(search_on(url))
    assert "gin (upper(content) gin_trgm_ops)" in found["plan"]["index"], found["plan"]
    assert "chatmessage_content_trgm" in found["plan"]["explain"], found["plan"]["explain"]


def test_a_role_that_may_not_create_pg_trgm_migrates_without_the_index():
    """A role with no CREATE on its database (so no extension): migrate says what to do
    and goes on, and the search still finds what it should."""
    require(postgres_available(), f"PostgreSQL is not reachable at {PG_ADMIN_URL}")
    role = f"chatsessions_noext_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
    try:
        with postgres_database() as url:
            with psycopg.connect(url, autocommit=True) as owner:
                owner.execute(sql.SQL("GRANT CREATE ON SCHEMA public TO {}").format(sql.Identifier(role)))
            parts = urllib.parse.urlsplit(url)
            as_role = parts._replace(netloc=f"{role}@{parts.hostname}:{parts.port or 5432}").geturl()
            done = search_on(as_role)
            with psycopg.connect(url, autocommit=True) as owner:
                owner.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
    assert "no trigram index for the history's search" in done.stderr, done.stderr
    assert "CREATE EXTENSION pg_trgm;" in done.stderr
    assert found_in(done)["plan"]["index"] is None
