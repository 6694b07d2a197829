"""Hostile input and handler faults through a real daphne: an error frame, nothing lost,
nothing crashed. Each test reproduces a finding of the adversarial trial (issue 9)."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.cookies import SimpleCookie

import psycopg
import pytest
from websockets.asyncio.client import connect

from chatsessions.testing import ChatClient, ChatClosed
from tests.servers import ROOT, Chat, Worker, login, postgres_database

PASSWORD = "hostile-test-password"


class Server:
    """One daphne worker of the test settings on SQLite or PostgreSQL, with its users."""

    def __init__(self, database_url: str, folder) -> None:
        self.database_url = database_url
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.scale_settings",
            "DATABASE_URL": database_url,
            "DEMO_PASSWORD": PASSWORD,
            "PYTHONUNBUFFERED": "1",
            "CHATSESSIONS_TEST_AUTH_RECHECK": "0.5",
            "CHATSESSIONS_TEST_END_LOG": str(folder / "ended.log"),
        }
        self.env.pop("REDIS_URL", None)
        self.folder = folder
        subprocess.run(
            [sys.executable, "manage.py", "demo", "--no-serve"], cwd=ROOT, env=self.env, check=True
        )
        self.worker = Worker(self.env, folder / "worker.log")

    def query(self, sql: str, params: list) -> list[tuple]:
        if self.database_url.startswith("sqlite"):
            # SQLite keeps UUIDs without their dashes.
            params = [p.replace("-", "") if isinstance(p, str) and len(p) == 36 else p for p in params]
            with sqlite3.connect(self.database_url.removeprefix("sqlite:///")) as db:
                return db.execute(sql.replace("%s", "?"), params).fetchall()
        with psycopg.connect(self.database_url) as db:
            cursor = db.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def manage(self, code: str) -> None:
        """Runs Python in `manage.py shell` against the server's database."""
        subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=self.env, check=True)

    def ended(self, session_id: str) -> int:
        """How many times on_chat_end ran for the chat."""
        log = self.folder / "ended.log"
        return log.read_text().split().count(session_id) if log.exists() else 0

    def contents(self, session_id: str) -> list[str]:
        rows = self.query(
            "SELECT content FROM chatsessions_chatmessage WHERE session_id = %s ORDER BY sequence",
            [session_id],
        )
        return [row[0] for row in rows]

    def status(self, session_id: str) -> str:
        return self.query("SELECT status FROM chatsessions_chatsession WHERE id = %s", [session_id])[0][0]

    def chat(self, user: str = "alice", app: str = "probe", cookie: str | None = None) -> ChatClient:
        cookie = cookie or login(self.worker.base, user, PASSWORD)
        return Chat(self.worker, cookie, f"/ws/chat/{app}/")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "sqlite":
        server = Server(f"sqlite:///{folder / 'db.sqlite3'}", folder)
        yield server
        server.worker.stop()
        return
    with postgres_database() as url:
        server = Server(url, folder)
        yield server
        server.worker.stop()


async def eventually(check, seconds: float = 10) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        try:
            check()
            return
        except AssertionError:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.05)


async def send_raw(chat: ChatClient, text: str) -> dict:
    """Sends text as it is (JSON escapes and all); returns the next frame."""
    await chat.send_frame(text)
    return await chat.receive()


# -- 1. text the database cannot store -----------------------------------------------------------


@pytest.mark.parametrize(
    "frame",
    [
        r'{"type": "message", "content": "hi \ud800"}',
        r'{"type": "message", "content": "a\u0000b"}',
        r'{"type": "message", "content": "hi", "id": "x\udfff"}',
        r'{"type": "settings", "values": {"signature": "sig\u0000"}}',
    ],
)
async def test_unstorable_text_is_refused_and_every_chat_of_the_worker_is_still_written(server, frame):
    async with server.chat("alice") as poisoned, server.chat("bob") as other:
        first = await poisoned.start()
        second = await other.start()
        error = await send_raw(poisoned, frame)
        assert (error["type"], error["code"]) == ("error", "invalid_field")
        assert "surrogates" in error["detail"]
        assert (await poisoned.send("count")).content == "1"
        assert (await other.send("count")).content == "1"

        def both_written():
            assert server.contents(first["id"]) == ["count", "1"]
            assert server.contents(second["id"]) == ["count", "1"]

        await eventually(both_written)


async def test_unstorable_text_from_a_handler_is_written_replaced_and_other_chats_go_on(server):
    async with server.chat("alice") as poisoned, server.chat("bob") as other:
        first = await poisoned.start()
        second = await other.start()
        # The two handlers' writes share one batch of the worker's writer.
        await poisoned.send_later("unstorable " + "x" * 300)
        assert (await other.send("count")).content == "1"
        frames = (await poisoned.wait()).frames
        assert frames[0]["content"] == "bad \ud800 and \x00"  # the client gets what the handler sent

        def written():
            assert server.contents(first["id"]) == ["unstorable " + "x" * 300, "bad \ufffd and \ufffd"]
            assert server.contents(second["id"]) == ["count", "1"]

        await eventually(written)
        assert (await poisoned.send("count")).content == "2"
        assert (await other.send("count")).content == "2"

        def still_written():
            assert server.contents(first["id"])[-2:] == ["count", "2"]
            assert server.contents(second["id"])[-2:] == ["count", "2"]

        await eventually(still_written)
    assert "written with unstorable text replaced" in server.worker.output()


# -- 2. crafted frames ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frame", "detail"),
    [
        ("[" * 1000 + "]" * 1000, "JSON may nest at most 32 levels deep"),
        ("[" * 40 + "]" * 40, "JSON may nest at most 32 levels deep"),
        ('{"type": "settings", "values": {"limit": 1' + "0" * 400 + "}}", "integers are limited"),
        ('{"type": "settings", "values": {"temperature": 1e400}}', "out of range"),
        ('{"type": "settings", "values": {"limit": NaN}}', "NaN is not a JSON value"),
        ('{"type": "settings", "values": {"limit": -Infinity}}', "-Infinity is not a JSON value"),
    ],
)
async def test_a_crafted_frame_gets_an_error_and_the_socket_stays_open(server, frame, detail):
    async with server.chat() as chat:
        await chat.start()
        error = await send_raw(chat, frame)
        assert (error["type"], error["code"]) == ("error", "invalid_json")
        assert detail in error["detail"]
        assert (await chat.send("count")).content == "1"
    assert "Exception inside application" not in server.worker.output()


# -- 3. handlers that raise what is not an Exception ----------------------------------------------


@pytest.mark.parametrize(
    ("app", "command", "detail", "next_reply"),
    [
        ("probe", "exit", "on_message failed: SystemExit: 3", "2"),
        ("probe", "interrupt", "on_message failed: KeyboardInterrupt: ", "2"),
        ("probe", "cancel", "on_message failed: CancelledError: ", "2"),
        (
            "sync",
            "exit",
            "on_message failed: SystemExit: a sync handler called sys.exit",
            "worker thread: count",
        ),
    ],
)
async def test_a_handler_that_exits_is_reported_and_the_worker_serves_on(
    server, app, command, detail, next_reply
):
    async with server.chat(app=app) as chat:
        await chat.start()
        await chat.send_later(command)
        frames = [await chat.receive() for _ in range(3)]
        assert frames == [
            {"type": "task", "state": "start"},
            {"type": "error", "code": "handler_error", "detail": detail},
            {"type": "task", "state": "end"},
        ]
        assert (await chat.send("count")).content == next_reply
    async with server.chat("bob") as fresh:
        await fresh.start()
        assert (await fresh.send("count")).content == "1"
    assert server.worker.alive()


# -- 9. env values copied into user_session ---------------------------------------------------------


async def test_an_env_value_copied_into_the_store_is_never_written_nor_shown(server):
    secret = "sk-test-0123456789"
    async with server.chat() as chat:
        session = await chat.start(env={"API_KEY": secret})
        assert (await chat.send("copy-env")).content == "copied"
        assert (await chat.send("set greeting=hello")).content == "greeting set"

        def written():
            rows = server.query(
                "SELECT store, unpersisted_keys FROM chatsessions_chatsession WHERE id = %s", [session["id"]]
            )
            store, unpersisted = (json.loads(v) if isinstance(v, str) else v for v in rows[0])
            assert store == {"count": 2, "greeting": "hello"}
            assert unpersisted == {
                "key_copy": "str, holds a user env value",
                "nested": "dict, holds a user env value",
            }

        await eventually(written)
        admin = login(server.worker.base, "admin", PASSWORD, path="/admin/login/")
        page = (
            urllib.request.urlopen(
                urllib.request.Request(
                    f"{server.worker.base}/admin/chatsessions/chatsession/{session['id']}/change/",
                    headers={"Cookie": admin},
                )
            )
            .read()
            .decode()
        )
        assert "holds a user env value" in page
        assert secret not in page
        assert (await chat.send("get key_copy")).content == repr(secret)  # kept in memory for the handler


# -- 5. account changes reach open sockets ----------------------------------------------------------


@pytest.fixture
def new_user(server):
    """A user of this test alone, since the test takes its login away."""
    name = f"user{uuid.uuid4().hex[:8]}"
    server.manage(
        "from django.contrib.auth import get_user_model; "
        f"get_user_model().objects.create_user({name!r}, password={PASSWORD!r})"
    )
    return name


async def closed_4401(chat: ChatClient) -> None:
    """Waits for the not_logged_in error frame (skipping others), then the close."""
    while (frame := await chat.receive())["type"] != "error":
        pass
    assert (frame["code"], frame["detail"]) == ("not_logged_in", "your login has ended; log in again to chat")
    assert await chat.closed() == 4401


async def ended_once(server: Server, session_id: str) -> None:
    def check():
        assert server.ended(session_id) == 1
        assert server.status(session_id) == "ended"

    await eventually(check)


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE auth_user SET is_active = %s WHERE username = %s",
        "UPDATE auth_user SET password = 'md5$x$changed' || password WHERE username = %s",
        "DELETE FROM django_session",
    ],
    ids=["deactivated", "password changed", "session gone"],
)
async def test_a_login_lost_without_a_signal_closes_the_socket_4401_at_the_next_frame(
    server, new_user, change
):
    async with server.chat(new_user) as chat:
        session = await chat.start()
        assert (await chat.send("count")).content == "1"
        params = [False, new_user] if "is_active" in change else [new_user] if "%s" in change else []
        server.query(change, params)
        await asyncio.sleep(0.6)  # past AUTH_RECHECK_SECONDS
        await chat.send_later("count")
        await closed_4401(chat)
    await ended_once(server, session["id"])


async def test_logging_out_closes_the_sockets_of_that_login_4401_at_once(server, new_user):
    cookie = login(server.worker.base, new_user, PASSWORD)
    other_login = login(server.worker.base, new_user, PASSWORD)
    async with server.chat(cookie=cookie) as chat, server.chat(cookie=other_login) as other:
        session = await chat.start()
        await other.start()
        csrf = dict(part.split("=", 1) for part in cookie.split("; "))["csrftoken"]
        url = f"{server.worker.base}/accounts/logout/"
        headers = {"Cookie": cookie, "X-CSRFToken": csrf, "Referer": url}
        urllib.request.urlopen(urllib.request.Request(url, b"", headers))
        await closed_4401(chat)  # without sending a frame
        assert (await other.send("count")).content == "1"  # the user's other login still holds
    await ended_once(server, session["id"])


# -- 4. memory per socket -----------------------------------------------------------------------------


async def test_a_socket_that_sends_too_much_is_refused_then_closed_4429(server):
    async with server.chat() as flooder, server.chat("bob") as other:
        await flooder.start()
        await other.start()
        padding = "x" * 60_000
        for _ in range(40):  # 2.4 MB against 1 MiB per 10 s
            await flooder.send_frame({"type": "stop", "padding": padding})
        codes = []
        with pytest.raises(ChatClosed) as closed:
            while True:
                codes.append((await flooder.receive())["code"])
        assert closed.value.code == 4429
        # Refused while within twice the budget, then closed.
        assert codes == ["rate_limited"] * len(codes) and 10 <= len(codes) <= 25, codes
        assert (await other.send("count")).content == "1"
    assert "that sent over twice 1048576 bytes and 1000 frames per 10 s" in server.worker.output()


async def test_a_client_that_does_not_read_is_closed_once_too_much_waits_unsent(server):
    cookie = login(server.worker.base, "alice", PASSWORD)
    headers = {"Origin": server.worker.base, "Cookie": cookie}
    # max_queue=1: the client stops reading from its socket after one frame.
    async with connect(
        f"ws://127.0.0.1:{server.worker.port}/ws/chat/probe/", additional_headers=headers, max_queue=1
    ) as lazy:
        await lazy.send(json.dumps({"type": "start"}))
        await lazy.send(json.dumps({"type": "message", "content": "spew 40000"}))  # 40 MB

        def closed_by_the_server():
            assert "its client does not read" in server.worker.output()

        await eventually(closed_by_the_server, seconds=30)
    async with server.chat("bob") as other:
        await other.start()
        assert (await other.send("count")).content == "1"


async def test_a_long_stream_does_not_hold_up_the_other_chats_of_the_worker(server):
    async with server.chat() as streamer, server.chat("bob") as other:
        await streamer.start()
        await other.start()
        await streamer.send_later("spew 3000")  # 3 MB: under MAX_UNSENT_BYTES
        while (await streamer.receive())["type"] != "stream":
            pass
        stream = asyncio.create_task(streamer.wait())  # read on, as a browser would
        await other.send_later("count")
        answer = next(f for f in (await other.wait()).frames if f["type"] == "message")
        tail = (await stream).frames
        assert tail[-1]["content"] == "spewed"
        # The server answered the other chat while the stream still ran.
        assert answer["created"] < tail[-1]["created"]


# -- The history API: crafted cursors and bodies (issue 25, finding 5) ---------------------------------


def api_request(server: Server, method: str, path: str, body: bytes | None = None) -> tuple[int, str, dict]:
    """A logged-in request to the history API; returns status, content type and JSON."""
    cookie = login(server.worker.base, "alice", PASSWORD)
    token = SimpleCookie(cookie)["csrftoken"].value
    headers = {"Cookie": cookie, "X-CSRFToken": token, "Content-Type": "application/json"}
    request = urllib.request.Request(
        f"{server.worker.base}/chat/api/probe/{path}", body, headers, method=method
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.headers["Content-Type"], json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], json.loads(error.read() or b"{}")


@pytest.mark.parametrize(
    "cursor",
    [
        "2020-01-01T00:00:00+23:59",  # PostgreSQL's offsets end at ±15:59
        "2020-01-01T00:00:00-16:00",
        "0001-01-01T00:00:00+01:00",  # out of range in UTC
        "9999-12-31T23:59:59-01:00",
        "2020-01-01T00:00:00",  # no time zone
    ],
)
async def test_a_crafted_list_cursor_is_a_bad_parameter_not_a_500(server, cursor):
    query = urllib.parse.urlencode({"cursor": f"{cursor}~{uuid.uuid4()}"})
    status, content_type, answer = await asyncio.to_thread(api_request, server, "GET", f"chats/?{query}")
    assert (status, content_type, answer["error"]) == (400, "application/json", "invalid_parameter")


@pytest.mark.parametrize(
    "body, detail",
    [
        (b"[" * 100_000, "nest at most 32"),
        (b'{"title": ' + b"[" * 40 + b"]" * 40 + b"}", "nest at most 32"),
        (b'{"title": 1e999}', "out of range"),
        (b'{"title": 1' + b"0" * 30 + b"}", "integers are limited"),
        (b'{"title": "a\\u0000b"}', "NUL"),
        (b'{"title": "\\ud800"}', "surrogates"),
        (b"\xff\xfe", "must be JSON"),
    ],
)
async def test_a_crafted_rename_body_is_a_bad_parameter_not_a_500(server, body, detail):
    async with server.chat() as chat:
        session_id = (await chat.start())["id"]
        await chat.send("a chat to rename")
    status, content_type, answer = await asyncio.to_thread(
        api_request, server, "PATCH", f"chats/{session_id}/", body
    )
    assert (status, content_type, answer["error"]) == (400, "application/json", "invalid_parameter")
    assert detail in answer["detail"]
