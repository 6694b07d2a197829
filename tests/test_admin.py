"""Django admin: staff inspect every chat and act on live ones; nobody else gets anything."""

import re
import uuid

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from chatsessions.live.chat import live_chats
from chatsessions.models import ChatMessage, ChatSession
from tests.chat_apps import probe
from tests.conftest import eventually

LIST = "/admin/chatsessions/chatsession/"


def in_thread(call, *args, **kwargs):
    """Runs a test-client request in a thread of its own, as Django's ASGI handler does,
    so the view may wait for the chat while the chat writes to the database."""
    return sync_to_async(call, thread_sensitive=False)(*args, **kwargs)


def detail(session_id):
    return f"{LIST}{session_id}/change/"


@pytest.fixture
def staff_client(transactional_db):
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    client = Client()
    client.force_login(admin)
    return client


def make_sessions(n, prefix):
    User = get_user_model()
    for i in range(n):
        owner = User.objects.create_user(f"{prefix}{i}", f"{prefix}{i}@example.com")
        session = ChatSession.objects.create(owner=owner, app="probe", message_count=1)
        ChatMessage.objects.create(
            session=session, sequence=1, message_id="m", role="user", author=owner.username,
            content="hi", created_at=session.started_at,
        )  # fmt: skip


def test_the_list_shows_every_column_newest_first(staff_client):
    make_sessions(3, "user")
    page = staff_client.get(LIST).content.decode()
    for column in ["Id", "Owner", "App", "Chat profile", "Status", "Started at", "Last activity at"]:
        assert f">{column}<" in page or column in page
    rows = list(ChatSession.objects.order_by("-started_at").values_list("owner__username", flat=True))
    positions = [page.index(f">{username}<") for username in rows]
    assert positions == sorted(positions)


def test_the_list_shows_titles_and_searches_them(staff_client):
    owner = get_user_model().objects.create_user("titled")
    ChatSession.objects.create(owner=owner, app="probe", title="Trip to Lisbon")
    ChatSession.objects.create(owner=owner, app="probe", title="Tax return")
    page = staff_client.get(LIST, {"q": "lisbon"}).content.decode()
    assert "Trip to Lisbon" in page and "Tax return" not in page


def test_a_page_of_100_sessions_costs_no_more_queries_than_a_page_of_10(staff_client):
    make_sessions(10, "few")
    with CaptureQueriesContext(connection) as ten:
        assert staff_client.get(LIST).status_code == 200
    make_sessions(90, "many")
    with CaptureQueriesContext(connection) as hundred:
        response = staff_client.get(LIST)
    assert response.content.decode().count('class="action-select"') == 100
    assert len(hundred) == len(ten) <= 12


def test_filters_and_search_find_sessions(staff_client):
    make_sessions(3, "user")
    ended = ChatSession.objects.get(owner__username="user1")
    ended.status = ChatSession.Status.ENDED
    ended.save()
    assert staff_client.get(LIST, {"status": "ended"}).context["cl"].result_count == 1
    assert staff_client.get(LIST, {"app": "probe"}).context["cl"].result_count == 3
    for term in ["user2", "user2@example.com", str(ended.pk)[:8], str(ended.pk), ended.pk.hex]:
        results = staff_client.get(LIST, {"q": term}).context["cl"].result_list
        assert len(results) >= 1, term
    assert [s.pk for s in staff_client.get(LIST, {"q": str(ended.pk)}).context["cl"].result_list] == [
        ended.pk
    ]
    assert staff_client.get(LIST, {"q": "nobody-at-all"}).context["cl"].result_count == 0


def test_sessions_cannot_be_added_or_edited_by_hand(staff_client):
    make_sessions(1, "user")
    session = ChatSession.objects.get()
    assert staff_client.get(f"{LIST}add/").status_code == 403
    staff_client.post(detail(session.pk), {"app": "hacked", "status": "ended"})
    session.refresh_from_db()
    assert (session.app, session.status) == ("probe", "live")
    assert 'name="app"' not in staff_client.get(detail(session.pk)).content.decode()


def test_deleting_a_session_deletes_its_messages(staff_client):
    make_sessions(1, "user")
    session = ChatSession.objects.get()
    staff_client.post(f"{LIST}{session.pk}/delete/", {"post": "yes"})
    assert not ChatSession.objects.exists()
    assert not ChatMessage.objects.exists()


def test_non_staff_users_get_no_admin_page(transactional_db):
    make_sessions(1, "user")
    session = ChatSession.objects.get()
    client = Client()
    client.force_login(session.owner)
    for url in [LIST, detail(session.pk), f"{LIST}{session.pk}/end/", f"{LIST}{session.pk}/notice/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_staff_without_permissions_cannot_act_on_chats(transactional_db):
    make_sessions(1, "user")
    session = ChatSession.objects.get()
    clerk = get_user_model().objects.create_user("clerk", is_staff=True)
    client = Client()
    client.force_login(clerk)
    assert client.get(LIST).status_code == 403
    assert client.post(f"{LIST}{session.pk}/end/").status_code == 403
    assert client.post(f"{LIST}{session.pk}/notice/", {"content": "hi"}).status_code == 403


# -- against a real live chat ------------------------------------------------------------------


async def live_chat(alice, sockets):
    chat = await sockets(alice)
    session = await chat.start(env={"API_KEY": "sk-admin-must-not-see"})
    await chat.send("set colour=blue")
    await chat.send("lock")

    async def written():
        assert (await ChatSession.objects.aget(pk=session["id"])).message_count == 4

    await eventually(written)
    return chat, session


async def test_one_session_shows_its_store_reserved_keys_settings_env_names_and_transcript(
    alice, sockets, staff_client
):
    _chat, session = await live_chat(alice, sockets)
    page = (await in_thread(staff_client.get, detail(session["id"]))).content.decode()
    assert "&quot;colour&quot;: &quot;blue&quot;" in page
    assert "<code>lock</code> (lock)" in page
    assert "Reserved keys" in page and "&quot;chat_profile&quot;: &quot;smart&quot;" in page
    assert "<code>API_KEY</code> = ••••••••" in page
    assert "sk-admin-must-not-see" not in page
    contents = re.findall(r'<td class="field-content">\s*<p>(.*?)</p>', page)
    assert contents == ["set colour=blue", "colour set", "lock", "locked"]


async def test_env_values_appear_in_no_admin_response(alice, sockets, staff_client):
    _chat, session = await live_chat(alice, sockets)
    for url in [LIST, detail(session["id"]), f"{LIST}{session['id']}/end/", f"{LIST}{session['id']}/notice/"]:
        body = (await in_thread(staff_client.get, url)).content.decode()
        assert "sk-admin-must-not-see" not in body


async def test_end_session_closes_the_socket_4000_and_runs_on_chat_end_once(alice, sockets, staff_client):
    chat, session = await live_chat(alice, sockets)
    response = await in_thread(staff_client.post, f"{LIST}{session['id']}/end/", follow=True)
    assert f"Chat {session['id']} ended." in response.content.decode()
    assert await chat.closed() == 4000
    assert probe.ended.count(session["id"]) == 1
    assert (await ChatSession.objects.aget(pk=session["id"])).status == ChatSession.Status.ENDED


async def test_end_session_also_ends_a_disconnected_chat_waiting_for_resume(alice, sockets, staff_client):
    chat, session = await live_chat(alice, sockets)
    await chat.close()
    await in_thread(staff_client.post, f"{LIST}{session['id']}/end/")
    assert probe.ended.count(session["id"]) == 1
    assert session["id"] not in live_chats


async def test_the_end_action_ends_the_selected_live_chats(alice, bob, sockets, staff_client):
    alice_chat, alice_session = await live_chat(alice, sockets)
    bob_chat = await sockets(bob)
    bob_session = await bob_chat.start()
    await in_thread(
        staff_client.post,
        LIST,
        {"action": "end_sessions", "_selected_action": [alice_session["id"], bob_session["id"]]},
    )
    assert await alice_chat.closed() == 4000
    assert await bob_chat.closed() == 4000


async def test_a_notice_reaches_the_chat_and_its_transcript(alice, sockets, staff_client):
    chat, session = await live_chat(alice, sockets)
    response = await in_thread(
        staff_client.post, f"{LIST}{session['id']}/notice/", {"content": "Maintenance at noon"}, follow=True
    )
    assert "Notice sent to the chat." in response.content.decode()
    notice = await chat.receive()
    assert (notice["type"], notice["role"], notice["author"], notice["content"]) == (
        "message",
        "notice",
        "root",
        "Maintenance at noon",
    )
    assert (await chat.send("count")).content == "3"  # the chat goes on

    async def check():
        rows = ChatMessage.objects.filter(session_id=session["id"]).values_list("role", "content")
        assert ("notice", "Maintenance at noon") in [row async for row in rows]

    await eventually(check)


async def test_actions_on_an_ended_session_say_so_and_change_nothing(alice, sockets, staff_client):
    chat, session = await live_chat(alice, sockets)
    await chat.send_frame({"type": "end"})
    await chat.closed()
    ended_at = (await ChatSession.objects.aget(pk=session["id"])).ended_at
    end_page = await in_thread(staff_client.get, f"{LIST}{session['id']}/end/")
    assert "This chat has ended; there is nothing to do." in end_page.content.decode()
    response = await in_thread(staff_client.post, f"{LIST}{session['id']}/end/", follow=True)
    assert "had already ended; nothing changed." in response.content.decode()
    response = await in_thread(
        staff_client.post, f"{LIST}{session['id']}/notice/", {"content": "hello?"}, follow=True
    )
    assert "This chat has ended; no notice was sent." in response.content.decode()
    row = await ChatSession.objects.aget(pk=session["id"])
    assert row.ended_at == ended_at
    assert not await ChatMessage.objects.filter(content="hello?").aexists()
    assert probe.ended.count(session["id"]) == 1


def test_an_unknown_session_is_404(staff_client):
    assert staff_client.get(f"{LIST}{uuid.uuid4()}/end/").status_code == 404
