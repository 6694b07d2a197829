"""The management commands: purge old chats, and print statistics."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from chatsessions.models import ChatMessage, ChatSession


@pytest.fixture
def sessions(db, django_user_model):
    owner = django_user_model.objects.create_user("alice")
    now = timezone.now()

    def make(status, ended_days_ago=None, app="probe", messages=2):
        session = ChatSession.objects.create(
            owner=owner,
            app=app,
            status=status,
            ended_at=now - timedelta(days=ended_days_ago) if ended_days_ago is not None else None,
        )
        for n in range(messages):
            ChatMessage.objects.create(
                session=session, sequence=n + 1, message_id=str(n), role="user", author="alice",
                content="hi", created_at=now,
            )  # fmt: skip
        return session

    return make


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_purge_is_a_dry_run_by_default(sessions):
    old = sessions(ChatSession.Status.ENDED, ended_days_ago=40)
    output = run("chatsessions_purge", "--ended-before", "30")
    assert output.startswith("Would delete 1 chat session(s) with 2 message(s) ended before ")
    assert ChatSession.objects.filter(pk=old.pk).exists()


def test_purge_deletes_only_chats_that_ended_before_the_cutoff(sessions):
    old = sessions(ChatSession.Status.ENDED, ended_days_ago=40)
    recent = sessions(ChatSession.Status.ENDED, ended_days_ago=5)
    live = sessions(ChatSession.Status.LIVE)
    disconnected = sessions(ChatSession.Status.DISCONNECTED)
    output = run("chatsessions_purge", "--ended-before", "30", "--yes")
    assert output.startswith("Deleted 1 chat session(s) with 2 message(s)")
    assert set(ChatSession.objects.values_list("pk", flat=True)) == {recent.pk, live.pk, disconnected.pk}
    assert not ChatMessage.objects.filter(session_id=old.pk).exists()


def test_purge_refuses_a_negative_age(db):
    with pytest.raises(CommandError, match="0 or more"):
        run("chatsessions_purge", "--ended-before", "-1")


def test_stats_count_sessions_by_status_and_app_and_messages_per_day(sessions):
    sessions(ChatSession.Status.LIVE, app="probe")
    sessions(ChatSession.Status.LIVE, app="probe")
    sessions(ChatSession.Status.ENDED, ended_days_ago=1, app="default", messages=1)
    output = run("chatsessions_stats")
    assert "  default              ended                 1" in output
    assert "  probe                live                  2" in output
    assert f"  {timezone.now():%Y-%m-%d}        5" in output


def test_stats_on_an_empty_database_say_so(db):
    assert run("chatsessions_stats").count("(none)") == 3  # no sessions, no messages, no LLM tokens
