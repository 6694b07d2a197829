"""Paging the chat list and a long history, over real HTTP (Django's live server on the
test database), and the constant number of queries per page."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chatsessions.live import replay
from chatsessions.models import ChatFeedback, ChatMessage, ChatSession
from chatsessions.testing import ChatClient
from chatsessions.testing.transport import login_cookie

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def carol(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user("carol", password="pw")


def get(live_server: Any, user: Any, path: str) -> Any:
    request = urllib.request.Request(f"{live_server.url}{path}", headers={"Cookie": login_cookie(user)})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def make_chats(owner: Any, count: int, app: str = "default") -> list[ChatSession]:
    """count titled chats, the first the most recently active, a minute apart; some share
    a moment, which the cursor must tell apart."""
    now = timezone.now()
    rows = ChatSession.objects.bulk_create(
        ChatSession(owner=owner, app=app, title=f"chat {n}", status="ended") for n in range(count)
    )
    for n, row in enumerate(rows):
        row.last_activity_at = now - timedelta(minutes=n // 2)
        ChatSession.objects.filter(pk=row.pk).update(last_activity_at=row.last_activity_at)
    return rows


def test_the_list_pages_to_its_end_without_a_gap_or_a_repeat(live_server, carol):
    rows = make_chats(carol, 45)
    make_chats(carol, 3, app="assistant")
    seen: list[str] = []
    cursor = ""
    pages = 0
    while True:
        page = get(live_server, carol, f"/chat/api/default/chats/?limit=20&cursor={cursor}")
        seen += [chat["title"] for chat in page["chats"]]
        pages += 1
        if page["next"] is None:
            break
        cursor = urllib.parse.quote(page["next"])
    expected = [
        row.title for row in sorted(rows, key=lambda row: (row.last_activity_at, row.id), reverse=True)
    ]
    assert (pages, seen) == (3, expected)


def test_a_long_history_opens_with_its_latest_messages_and_pages_back(live_server, carol):
    row = ChatSession.objects.create(owner=carol, app="default", title="long", status="ended")
    row.store = {"counter": 5000}
    row.save()
    now = timezone.now()
    ChatMessage.objects.bulk_create(
        ChatMessage(
            session=row,
            sequence=n,
            message_id=f"m{n}",
            role="user" if n % 2 else "assistant",
            author="carol" if n % 2 else "Assistant",
            content=f"message {n}",
            created_at=now,
        )
        for n in range(1, 10_001)
    )
    with ChatClient("default", user=carol, start=False) as chat:
        session = chat.start(resume=str(row.pk))
        assert session["resumed"] is True
        replayed = [message["content"] for message in session["history"]]
        assert replayed == [f"message {n}" for n in range(9801, 10_001)]  # HISTORY_LIMIT
        assert session["history_before"] == 9801
        assert chat.send("more").content == "You sent 5001 message(s)!"

    contents = replayed
    before = session["history_before"]
    while before is not None:
        page = get(
            live_server, carol, f"/chat/api/default/chats/{row.pk}/messages/?limit=200&before={before}"
        )
        contents = [message["content"] for message in page["messages"]] + contents
        before = page["before"]
    assert contents == [f"message {n}" for n in range(1, 10_001)]
    latest = get(live_server, carol, f"/chat/api/default/chats/{row.pk}/messages/?limit=2")
    assert [message["content"] for message in latest["messages"]] == ["more", "You sent 5001 message(s)!"]


def queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_every_page_costs_the_same_few_queries(carol):
    client = Client()
    client.force_login(carol)
    make_chats(carol, 2)
    few = queries(client, "/chat/api/default/chats/")
    few_found = queries(client, "/chat/api/default/chats/?q=chat")
    row = make_chats(carol, 80)[0]
    ChatMessage.objects.bulk_create(
        ChatMessage(
            session=row,
            sequence=n,
            message_id=str(n),
            role="user",
            author="carol",
            content="hi",
            created_at=timezone.now(),
        )
        for n in range(1, 301)
    )
    assert queries(client, "/chat/api/default/chats/") == few
    assert queries(client, "/chat/api/default/chats/?q=chat") == few_found
    page = client.get("/chat/api/default/chats/").json()
    assert queries(client, f"/chat/api/default/chats/?cursor={urllib.parse.quote(page['next'])}") == few
    first = queries(client, f"/chat/api/default/chats/{row.pk}/messages/")
    assert queries(client, f"/chat/api/default/chats/{row.pk}/messages/?before=100&limit=200") == first
    # A session and its user, then the page itself (and for messages, the chat's owner
    # and the user's feedback on them).
    assert few <= 3 and first <= 5


def test_the_days_are_those_of_the_users_time_zone(live_server, carol):
    (row,) = make_chats(carol, 1)
    now = timezone.now()
    # Twelve hours ago: today where it is afternoon, yesterday where it is morning. The
    # two zones are twelve hours apart, so one has it today and the other yesterday.
    ChatSession.objects.filter(pk=row.pk).update(last_activity_at=now - timedelta(hours=12))
    for name in ["UTC", "Etc/GMT-12"]:
        expected = "Today" if now.astimezone(ZoneInfo(name)).hour >= 12 else "Yesterday"
        page = get(live_server, carol, f"/chat/api/default/chats/?tz={name}")
        assert page["chats"][0]["group"] == expected, name


def test_bad_parameters_get_a_clear_error(carol):
    client = Client()
    client.force_login(carol)
    for query, name in [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=ten", "limit"),
        ("cursor=yesterday", "cursor"),
        ("tz=Mars/Olympus", "tz"),
        ("q=" + "x" * 201, "q"),
    ]:
        answer = client.get(f"/chat/api/default/chats/?{query}")
        assert (answer.status_code, answer.json()["error"]) == (400, "invalid_parameter"), query
        assert answer.json()["detail"].startswith(f"{name}:"), answer.json()
    assert client.post("/chat/api/default/chats/").status_code == 405


def test_a_page_shows_the_feedback_of_the_user_who_reads_it_and_nobody_elses(carol, django_user_model):
    dave = django_user_model.objects.create_user("dave", password="pw")
    (row,) = make_chats(carol, 1)
    now = timezone.now()
    for n in range(1, 6):
        meta = {"actions": []} if n == 2 else None
        ChatMessage.objects.create(
            session=row,
            sequence=n,
            message_id=f"m{n}",
            role="assistant",
            content=f"answer {n}",
            created_at=now,
            meta=meta,
        )
    ChatFeedback.objects.create(session=row, message_id="m2", user=carol, value=1, comment="good")
    ChatFeedback.objects.create(session=row, message_id="m3", user=dave, value=0)
    ChatFeedback.objects.create(session=row, message_id="m4", user=None, value=0, comment="anonymous")
    ChatFeedback.objects.create(session=row, message_id="m1", user=carol, value=0)  # not on the page

    frames, older = replay.page(row.pk, 5, 3, carol)
    assert ([frame["id"] for frame in frames], older) == (["m2", "m3", "m4"], 2)
    assert [frame.get("feedback") for frame in frames] == [{"value": 1, "comment": "good"}, None, None]
    assert frames[0]["created"] == now.isoformat() and frames[0]["content"] == "answer 2"
    # A chat without a login: the feedback given without one.
    frames, older = replay.page(str(row.pk), None, 10, None)
    assert ([frame["id"] for frame in frames], older) == (["m1", "m2", "m3", "m4", "m5"], None)
    assert [frame.get("feedback") for frame in frames] == [
        None,
        None,
        None,
        {"value": 0, "comment": "anonymous"},
        None,
    ]
