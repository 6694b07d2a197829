"""chatsessions.testing as a handler author uses it: the example of docs/testing.md, in process and
against a live server, async and sync, and the failures it reports."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from channels.testing import ChannelsLiveServerTestCase
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import TransactionTestCase, override_settings

from chatsessions.models import ChatMessage
from chatsessions.testing import ChatClient, ChatError, HandlerError, NoReply
from tests.documented import block
from tests.servers import ROOT


def readme_test_module() -> str:
    """The testing page's example test file, with its placeholder module made the counter."""
    code = block("tests/test_testing_kit.py", "docs/testing.md", "python")
    return code.replace("myproject.chat", "chatsite.chat.counter")


def test_the_readme_example_test_passes_as_a_user_runs_it(tmp_path):
    """With the testing page's pytest configuration alone (its settings module made the
    tests'), as a fresh project has it: no asyncio_mode, so the example's marks count. The
    package's pytest plugin is named with -p, as its entry point names it once installed."""
    (tmp_path / "test_chat.py").write_text(readme_test_module())
    config = block("pytest-config", "docs/testing.md", "toml").replace("myproject.settings", "tests.settings")
    (tmp_path / "pyproject.toml").write_text(config)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-c",
            str(tmp_path / "pyproject.toml"),
            "-p",
            "no:cacheprovider",
            "-p",
            "chatsessions.pytest_plugin",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=300,
    )
    assert "3 passed" in result.stdout, result.stdout + result.stderr


async def test_a_turn_keeps_its_frames_with_streamed_tokens_joined(chat_client):
    async with chat_client("probe") as chat:
        reply = await chat.send("stream one two three")
        assert reply is not None and reply.content == "one two three "
        [stream, message] = chat.frames
        assert stream == {"type": "stream", "id": reply.id, "token": "one two three "}
        assert message["type"] == "message"
        assert (await chat.send("update")).content == "final"  # an update applied to the reply


async def test_a_module_not_in_apps_runs_in_process(chat_client):
    assert "tests.bench.stream_app" not in settings.CHATSESSIONS["APPS"].values()
    async with chat_client("tests.bench.stream_app") as chat:
        assert (await chat.send("3")).content == "t0 t1 t2 "
    with pytest.raises(ValueError, match="a live server serves only those"):
        ChatClient("tests.bench.stream_app", server="http://127.0.0.1:1")


async def test_stop_interrupts_the_handler_a_message_set_off(chat_client):
    async with chat_client("probe") as chat:
        await chat.send_later("sleep 30")
        stopped = await chat.stop()
        assert stopped is not None and stopped.content == "stopped"
        assert (await chat.send("count")).content == "2"


async def test_a_silent_handler_is_reported_with_what_did_arrive(chat_client):
    async with chat_client("probe", timeout=0.5) as chat:
        with pytest.raises(NoReply, match=r"no frame within 0\.5 s"):
            await chat.send("sleep 3")


async def test_user_session_is_live_and_read_only(chat_client):
    async with chat_client("probe") as chat:
        await chat.send("set colour=blue")
        assert chat.user_session["colour"] == "blue"
        assert chat.user_session["id"] == chat.session_id
        with pytest.raises(TypeError):
            chat.user_session["colour"] = "red"


async def test_a_revoked_login_is_a_clear_error(chat_client, chat_user):
    with override_settings(CHATSESSIONS={**settings.CHATSESSIONS, "AUTH_RECHECK_SECONDS": 0}):
        async with chat_client("probe") as chat:
            await get_user_model().objects.filter(pk=chat_user.pk).aupdate(is_active=False)
            with pytest.raises(ChatError) as refused:
                await chat.send("count")
            assert refused.value.code == "not_logged_in"
            assert await chat.closed() == 4401


async def test_a_handler_error_is_raised_from_the_handlers_own_exception(chat_client):
    async with chat_client("probe") as chat:
        with pytest.raises(HandlerError) as raised:
            await chat.send("boom")
        assert repr(raised.value.__cause__) == "ValueError('kaboom')"
        assert (await chat.send("count")).content == "2"  # the chat goes on


class SyncFormTest(TransactionTestCase):
    """The sync form, in a Django test case (a TransactionTestCase: see docs/testing.md)."""

    def test_a_conversation_without_async(self):
        user = get_user_model().objects.create_user("dora")
        with ChatClient("probe", user=user) as chat:
            self.assertEqual(chat.send("count").content, "1")
            self.assertEqual(chat.settings(style="shouting")["style"], "shouting")
            session = chat.reconnect()
            self.assertTrue(session["resumed"])
            self.assertEqual(chat.user_session["chat_settings"]["style"], "shouting")
            self.assertEqual(chat.end(), 1000)


class LiveServerTest(ChannelsLiveServerTestCase):
    """Against Channels' live server (daphne in a process of its own, on the test
    database), over a real WebSocket, logged in as a user of the test."""

    def test_a_conversation_over_a_real_socket(self):
        user = get_user_model().objects.create_user("erin")
        with ChatClient("probe", user=user, server=self.live_server_url, timeout=10) as chat:
            self.assertEqual(chat.session["user"], "erin")
            self.assertEqual(chat.send("count").content, "1")
            with self.assertRaisesRegex(TypeError, "only readable in process"):
                chat.user_session  # noqa: B018
            chat.reconnect()
            self.assertEqual(chat.send("count").content, "2")
        # Written to the database the test reads (within the write delay).
        deadline = time.monotonic() + 10
        while ChatMessage.objects.filter(session__owner=user).count() < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        contents = list(ChatMessage.objects.filter(session__owner=user).values_list("content", flat=True))
        self.assertEqual(contents, ["count", "1", "resumed at 1", "count", "2"])
