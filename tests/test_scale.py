"""Several worker processes on PostgreSQL and Redis, with no sticky sessions.

Two daphne workers on free loopback ports share a PostgreSQL database made for this run
and the machine's Redis (under a prefix of this run's own); a private redis-server on
another loopback port stands in for the outage test, so the shared one is never stopped.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

import psycopg
import pytest
from playwright.sync_api import expect
from psycopg import sql

from chatsessions.testing import ChatClosed, ChatTestError, NoReply
from tests import documented
from tests.browsing import chromium, last_reply, say
from tests.conftest import require
from tests.servers import (
    PG_ADMIN_URL,
    ROOT,
    Chat,
    Server,
    Worker,
    free_port,
    login,
    post_form,
    postgres_database,
    reachable,
)

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
PASSWORD = "scale-test-password"


@pytest.fixture(scope="module")
def database_url():
    with postgres_database() as url:
        yield url


def set_connections(database_url: str, allowed: bool) -> None:
    """Opens or closes our own test database to every connection: a real outage of it alone."""
    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(
            sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS {}").format(
                sql.Identifier(name), sql.SQL("true" if allowed else "false")
            )
        )
        if not allowed:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])


@pytest.fixture(scope="module")
def environment(database_url, tmp_path_factory):
    require(reachable(REDIS_HOST, REDIS_PORT), f"Redis is not reachable at {REDIS_HOST}:{REDIS_PORT}")
    folder = tmp_path_factory.mktemp("scale")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.scale_settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/0",
        "CHANNEL_PREFIX": f"chatsessions-test-{uuid.uuid4().hex[:8]}",
        "DEMO_PASSWORD": PASSWORD,
        "CHATSESSIONS_TEST_END_LOG": str(folder / "ended.log"),
        "PYTHONUNBUFFERED": "1",
    }
    subprocess.run(
        [sys.executable, "manage.py", "demo", "--no-serve"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return env, folder


@pytest.fixture(scope="module")
def workers(environment):
    env, folder = environment
    pair = [Worker(env, folder / f"worker-{name}.log") for name in "ab"]
    yield pair
    for worker in pair:
        worker.stop()


def ended_log(environment) -> list[tuple[str, int]]:
    path = environment[1] / "ended.log"
    if not path.exists():
        return []
    return [(line.split()[0], int(line.split()[1])) for line in path.read_text().splitlines()]


async def wait_until(condition, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.1)


# -- resume on another worker -------------------------------------------------------------------


async def test_a_chat_resumes_on_another_worker_with_everything(workers, environment):
    a, b = workers
    cookie = login(a.base, "alice", PASSWORD)
    async with Chat(a, cookie) as chat:
        session = await chat.start(profile="fast")
        await chat.settings(style="shouting")
        assert (await chat.send("set colour=blue")).content == "colour set"
        assert (await chat.send("count")).content == "2"
    async with Chat(b, cookie) as moved:
        resumed = await moved.start(resume=session["id"])
        assert resumed["resumed"] and resumed["chat_profile"] == "fast"
        assert resumed["chat_settings"]["style"] == "shouting"
        assert [m["content"] for m in resumed["history"]][-4:] == [
            "set colour=blue",
            "colour set",
            "count",
            "2",
        ]
        assert [f["content"] for f in moved.frames] == ["resumed at 2"]  # on_chat_resume on B
        assert (await moved.send("get colour")).content == "'blue'"
        assert (await moved.send("count")).content == "4"
        await asyncio.sleep(4)  # past A's grace period: A let go, so it ends nothing
        assert [entry for entry in ended_log(environment) if entry[0] == session["id"]] == []
        await moved.send_frame({"type": "end"})
        assert await moved.closed() == 1000
    assert [entry for entry in ended_log(environment) if entry[0] == session["id"]] == [
        (session["id"], b.pid)
    ]


async def test_files_and_elements_resume_on_another_worker(workers):
    a, b = workers
    cookie = login(a.base, "alice", PASSWORD)
    csv = b"a,b\n1,2\n"
    async with Chat(a, cookie, "/ws/chat/files/") as chat:
        session = await chat.start()
        assert (await chat.send("look", files=[("table.csv", csv)])).content.startswith(
            "look: table.csv text/csv 8"
        )
        await chat.send("elements")
    async with Chat(b, cookie, "/ws/chat/files/") as moved:
        resumed = await moved.start(resume=session["id"])
        shown = [frame["elements"] for frame in resumed["history"] if frame.get("elements")]
        assert [len(elements) for elements in shown] == [1, 7]
        # B serves the bytes A kept, and a handler on B reads the user's file again.
        request = urllib.request.Request(b.base + shown[0][0]["url"], headers={"Cookie": cookie})
        assert urllib.request.urlopen(request).read() == csv
        assert (await moved.send("echo")).elements == []
        (back,) = (await moved.send("look", files=[("again.csv", csv)])).content.split(": ")[1:]
        assert back.startswith("again.csv text/csv 8")


async def test_a_resume_right_after_a_drop_sees_every_handler_the_first_worker_ran(workers):
    a, b = workers
    cookie = login(a.base, "alice", PASSWORD)
    async with Chat(a, cookie) as chat:
        session = await chat.start()
        for _ in range(3):
            await chat.send_later("sleep 0.2")
    # The socket on A is gone with three handlers queued or running there.
    async with Chat(b, cookie) as moved:
        resumed = await moved.start(resume=session["id"])
        # Messages are recorded as they arrive, replies as they are sent.
        assert [m["content"] for m in resumed["history"]] == ["sleep 0.2"] * 3 + ["slept"] * 3
        assert (await moved.send("count")).content == "4"


async def test_two_sockets_resuming_at_once_leave_one_chat_and_nothing_doubled(workers):
    a, b = workers
    cookie = login(a.base, "alice", PASSWORD)
    async with Chat(a, cookie) as chat:
        session = await chat.start()
        assert (await chat.send("count")).content == "1"
    first, second = Chat(a, cookie), Chat(b, cookie)
    async with first, second:

        async def resume(chat):
            try:
                await chat.start(resume=session["id"])
            except ChatTestError:
                pass  # refused: resumed elsewhere

        async def close_code_now(chat):
            while chat.close_code is None:
                try:
                    await chat.receive(timeout=0.5)
                except NoReply:
                    return None
                except ChatClosed:
                    pass
            return chat.close_code

        await asyncio.gather(resume(first), resume(second))
        await asyncio.sleep(1)
        codes = {chat: await close_code_now(chat) for chat in (first, second)}
        open_chats = [chat for chat, code in codes.items() if code is None]
        assert sorted(codes.values(), key=str) == [4409, None]
        winner = open_chats[0]
        assert (await winner.send("count")).content == "2"
    async with Chat(b, cookie) as check:
        contents = [m["content"] for m in (await check.start(resume=session["id"]))["history"]]
    # Each socket that held the chat, even for a moment, ran on_chat_resume; no message or
    # count is lost or doubled.
    assert [c for c in contents if not c.startswith("resumed at")] == ["count", "1", "count", "2"]
    assert {c for c in contents if c.startswith("resumed at")} == {"resumed at 1"}


async def test_a_chat_ended_on_one_worker_reopens_on_the_other(workers, environment):
    a, b = workers
    cookie = login(a.base, "alice", PASSWORD)
    async with Chat(a, cookie) as chat:
        session = await chat.start()
        assert (await chat.send("set colour=blue")).content == "colour set"
        assert await chat.end() == 1000
    async with Chat(b, cookie) as chat:
        reopened = await chat.start(resume=session["id"])
        assert reopened["resumed"] is True
        assert (await chat.send("get colour")).content == "'blue'"
        assert await chat.end() == 1000
    ends = [e for e in ended_log(environment) if e[0] == session["id"]]
    assert ends == [(session["id"], a.pid), (session["id"], b.pid)]  # on_chat_end at each end


# -- server-side control across workers -------------------------------------------------------


async def test_admin_notice_and_end_reach_the_socket_on_the_other_worker(workers, environment):
    a, b = workers
    async with Chat(b, login(b.base, "alice", PASSWORD)) as chat:
        session = await chat.start()
        admin = login(a.base, "admin", PASSWORD, path="/admin/login/")
        page = f"/admin/chatsessions/chatsession/{session['id']}"
        assert "Notice sent" in post_form(a.base, f"{page}/notice/", admin, {"content": "From worker A"})
        notice = await chat.expect("message")
        assert (notice["role"], notice["author"], notice["content"]) == ("notice", "admin", "From worker A")
        assert f"Chat {session['id']} ended." in post_form(a.base, f"{page}/end/", admin, {})
        assert await chat.closed() == 4000
    assert [e for e in ended_log(environment) if e[0] == session["id"]] == [(session["id"], b.pid)]


async def test_idle_workers_stay_connected_to_redis_and_a_notice_arrives_at_once(environment, tmp_path):
    """redis-py 8's socket timeout (5 s) equals channels-redis's blocking read: without a
    longer one, an idle worker's listener failed every read, backed off up to 30 s, and
    notices and hand-overs arrived seconds late (chatsessions.W003 flags it)."""
    a, b = (Worker(environment[0], tmp_path / f"idle-{name}.log") for name in "ab")
    try:
        async with Chat(b, login(b.base, "alice", PASSWORD)) as chat:
            session = await chat.start()
            await asyncio.sleep(12)  # over twice the blocking read, idle
            admin = login(a.base, "admin", PASSWORD, path="/admin/login/")
            page = f"/admin/chatsessions/chatsession/{session['id']}"
            assert "Notice sent" in post_form(a.base, f"{page}/notice/", admin, {"content": "still there?"})
            notice = await chat.expect("message", timeout=1)
            assert notice["content"] == "still there?"
        for worker in (a, b):
            assert "channel layer unreachable" not in worker.output()
    finally:
        a.stop()
        b.stop()


async def test_a_management_command_pushes_a_notice_to_any_worker(workers, environment):
    _, b = workers
    async with Chat(b, login(b.base, "bob", PASSWORD)) as chat:
        session = await chat.start()
        code = (
            "from chatsessions.control import send_notice; "
            f"send_notice({session['id']!r}, 'from a command', author='ops')"
        )
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=environment[0], check=True
        )
        notice = await chat.expect("message")
        assert (notice["author"], notice["content"]) == ("ops", "from a command")


# -- nginx in front, as docs/deployment.md configures it -----------------------------------------


def nginx_conf(folder, workers, port, static_root) -> str:
    """The deployment page's nginx block, on this test's ports and folders, in a whole nginx.conf."""
    site = documented.block("tests/test_scale.py", "docs/deployment.md", "nginx")
    upstream = " ".join(f"server 127.0.0.1:{worker.port};" for worker in workers)
    site = re.sub(r"(upstream chat \{)[^}]*\}", rf"\1 {upstream} }}", site)
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};")
    site = site.replace("/srv/chat/staticfiles/", f"{static_root}/")
    temp = " ".join(
        f"{kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"user root; daemon off; pid {folder / 'nginx.pid'}; error_log {folder / 'error.log'};\n"
        # As the stock nginx.conf does: the page's ES modules run only as JavaScript.
        f"events {{}}\nhttp {{ include /etc/nginx/mime.types; default_type application/octet-stream;\n"
        f"access_log {folder / 'access.log'}; {temp}\n{site}\n}}\n"
    )


def holder_epoch(environment, session_id: str) -> int:
    with psycopg.connect(environment[0]["DATABASE_URL"]) as db:
        query = "SELECT holder_epoch FROM chatsessions_chatsession WHERE id = %s"
        row = db.execute(query, [session_id]).fetchone()
    assert row is not None, session_id
    return int(row[0])


def test_through_the_readmes_nginx_a_user_logs_in_chats_and_resumes_on_the_other_worker(
    environment, tmp_path
):
    require(shutil.which("nginx") is not None, "nginx is not installed (apt-get install nginx)")
    static_root = tmp_path / "static"
    # Production: DEBUG off, the static files collected (hashed) for nginx to serve.
    env = {**environment[0], "DJANGO_DEBUG": "0", "DJANGO_STATIC_ROOT": str(static_root)}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    workers = [Worker(env, tmp_path / f"worker-{name}.log") for name in "ab"]
    port = free_port()
    conf = tmp_path / "nginx.conf"
    conf.write_text(nginx_conf(tmp_path, workers, port, static_root))
    nginx = Server(
        env, tmp_path / "nginx.out", command=["nginx", "-c", str(conf), "-p", str(tmp_path)], port=port
    )
    try:
        # Chromium inside the test: its sync API holds an event loop, and async tests follow.
        with chromium() as browser:
            page = browser.new_page()
            statics = []
            page.on(
                "response",
                lambda r: "/static/" in r.url and statics.append((r.status, r.headers.get("server"))),
            )
            page.goto(f"{nginx.base}/chat/")  # a port other than 80: the login form's Origin must match
            page.fill("#id_username", "alice")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            expect(page).to_have_url(f"{nginx.base}/chat/")
            expect(page.locator(".cs-status")).to_have_attribute("data-state", "connected")
            assert statics and all(status == 200 and server.startswith("nginx") for status, server in statics)
            say(page, "one")
            expect(last_reply(page)).to_have_text("You sent 1 message(s)!")
            session_id = page.locator("[data-chatsessions]").get_attribute("data-session-id")
            epoch = holder_epoch(environment, session_id)
            # A reload drops the socket and resumes the chat on a new one. nginx takes turns
            # between the workers, request by request; a reload makes two (the page and the
            # socket), so one more request in between moves the socket to the other worker,
            # which claims the chat from the first.
            for attempt in range(4):
                if attempt:
                    page.request.get(f"{nginx.base}/accounts/login/")
                page.reload()
                expect(page.locator(".cs-status")).to_have_attribute("data-state", "connected")
                if holder_epoch(environment, session_id) > epoch:
                    break
            else:
                pytest.fail("no resume landed on the other worker")
            say(page, "two")
            expect(last_reply(page)).to_have_text("You sent 2 message(s)!")
            assert page.locator("[data-chatsessions]").get_attribute("data-session-id") == session_id
            # An upload past nginx's default body limit (1 MB) goes through the documented nginx.
            big = {"name": "big.txt", "mimeType": "text/plain", "buffer": b"many words\n" * 300_000}
            page.locator(".cs-file-input").set_input_files([big])
            expect(page.locator(".cs-attachment")).to_have_attribute("data-state", "done")
            say(page, "three")
            expect(last_reply(page)).to_have_text("You sent 3 message(s)!")
            page.close()
    finally:
        nginx.stop()
        for worker in workers:
            worker.stop()


# -- failures ---------------------------------------------------------------------------------------


async def test_a_worker_killed_mid_chat_loses_no_answered_message(workers):
    a, b = workers
    cookie = login(a.base, "alice", PASSWORD)
    try:
        async with Chat(a, cookie) as chat:
            session = await chat.start()
            for n in range(1, 4):
                assert (await chat.send("count")).content == str(n)
            # Answers are written behind, within WRITE_DELAY_SECONDS (0.1 s): that much a
            # SIGKILL may lose; wait it out, so that it loses nothing answered.
            await asyncio.sleep(0.5)
            await chat.send_later("sleep 5")
            await chat.receive()  # its task has started
            a.kill()
        async with Chat(b, cookie) as moved:
            resumed = await moved.start(resume=session["id"])
            contents = [m["content"] for m in resumed["history"]]
            assert contents[:6] == ["count", "1", "count", "2", "count", "3"]
            # The snapshot is whole: the store's count matches the transcript's last answer.
            assert (await moved.send("count")).content in {"4", "5"}  # 5 if the unanswered message counted
    finally:
        if not a.alive():
            a.start()


@pytest.fixture
def private_redis(tmp_path):
    redis_server = shutil.which("redis-server")
    require(redis_server is not None, "redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    command = [redis_server, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
    command += ["--dir", str(tmp_path)]

    class PrivateRedis:
        url = f"redis://127.0.0.1:{port}/0"

        def start(self):
            self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 10
            while not reachable("127.0.0.1", port):
                assert time.monotonic() < deadline and self.process.poll() is None
                time.sleep(0.05)

        def stop(self):
            self.process.terminate()
            self.process.wait(10)

    redis = PrivateRedis()
    redis.start()
    yield redis
    if redis.process.poll() is None:
        redis.stop()


async def test_a_redis_outage_refuses_new_chats_keeps_live_ones_and_heals(
    environment, database_url, private_redis, tmp_path
):
    env = {**environment[0], "REDIS_URL": private_redis.url}
    worker = Worker(env, tmp_path / "worker.log")

    def live_rows():
        with psycopg.connect(database_url) as db:
            return db.execute(
                "SELECT count(*) FROM chatsessions_chatsession WHERE status = 'live'"
            ).fetchone()[0]

    try:
        cookie = login(worker.base, "alice", PASSWORD)
        admin = login(worker.base, "admin", PASSWORD, path="/admin/login/")
        async with Chat(worker, cookie) as live, Chat(worker, cookie) as kept:
            session = await live.start()
            await kept.start()
            assert (await live.send("count")).content == "1"
            private_redis.stop()
            assert (await live.send("count")).content == "2"  # in-process traffic needs no Redis
            rows_before = live_rows()
            async with Chat(worker, cookie) as refused:
                await refused.send_frame({"type": "start"})
                error = await refused.receive()
                assert error["code"] == "unavailable"
                assert await refused.closed() == 4503
            assert live_rows() == rows_before  # no orphan row says live
            await asyncio.sleep(10)  # long enough for any backoff to grow
            # Staff's notice and End during the outage go to the database, and the worker
            # that holds the chat applies them from there: nothing is lost.
            page = f"/admin/chatsessions/chatsession/{session['id']}"
            answer = post_form(worker.base, f"{page}/notice/", admin, {"content": "sent in the outage"})
            assert "went to the database instead" in answer, answer
            assert (await live.expect("message", timeout=5))["content"] == "sent in the outage"
            answer = await asyncio.to_thread(post_form, worker.base, f"{page}/end/", admin, {})
            assert "went to the database instead" in answer and "ended." in answer, answer
            assert await live.closed(timeout=5) == 4000
            private_redis.start()
            deadline = time.monotonic() + 20
            while True:
                async with Chat(worker, cookie) as fresh:
                    await fresh.send_frame({"type": "start"})
                    frame = await fresh.receive()
                    if frame["type"] == "session":
                        break
                assert time.monotonic() < deadline, "new chats did not come back with Redis"
                await asyncio.sleep(0.2)
            assert (await kept.send("count")).content == "1"
            # The restarted Redis lost the chats' groups; the worker joins them again as
            # soon as it sees the layer back: it tries every half second, never slower.
            kept_page = f"/admin/chatsessions/chatsession/{kept.session['id']}"
            answer = post_form(worker.base, f"{kept_page}/notice/", admin, {"content": "after the restart"})
            assert "Notice sent to the chat" in answer, answer
            assert (await kept.expect("message", timeout=5))["content"] == "after the restart"
        assert worker.alive()
        log = worker.output()
        assert "trying it every 0.5 s" in log and "channel layer reachable again" in log
        with psycopg.connect(database_url) as db:  # every command applied, and forgotten
            assert db.execute("SELECT count(*) FROM chatsessions_chatcommand").fetchone()[0] == 0
    finally:
        worker.stop()


async def test_a_chat_deleted_during_a_redis_outage_ends_and_stays_deleted(
    environment, database_url, private_redis, tmp_path
):
    env = {**environment[0], "REDIS_URL": private_redis.url}
    worker = Worker(env, tmp_path / "worker.log")
    try:
        cookie = login(worker.base, "bob", PASSWORD)
        async with Chat(worker, cookie) as live:
            session = await live.start()
            assert (await live.send("count")).content == "1"
            await asyncio.sleep(0.5)  # written
            private_redis.stop()
            token = re.search(r"csrftoken=([^;]+)", cookie)[1]
            request = urllib.request.Request(
                f"{worker.base}/chat/api/probe/chats/{session['id']}/",
                headers={"Cookie": cookie, "X-CSRFToken": token},
                method="DELETE",
            )
            assert (await asyncio.to_thread(urllib.request.urlopen, request)).status == 204
            assert await live.closed(timeout=5) == 4000
        await asyncio.sleep(1)  # its last writes, had it any, are dropped: the row stays gone
        with psycopg.connect(database_url) as db:
            rows = db.execute("SELECT count(*) FROM chatsessions_chatsession WHERE id = %s", [session["id"]])
            assert rows.fetchone()[0] == 0
    finally:
        worker.stop()


async def test_a_database_outage_answers_from_memory_and_writes_once_it_is_back(
    environment, database_url, tmp_path
):
    worker = Worker(environment[0], tmp_path / "worker.log")
    try:
        cookie = login(worker.base, "alice", PASSWORD)
        async with Chat(worker, cookie) as chat:
            session = await chat.start()
            set_connections(database_url, allowed=False)
            try:
                for n in range(1, 6):
                    assert (await chat.send("count")).content == str(n)
                    await asyncio.sleep(0.3)  # several writes fail meanwhile, logged once
            finally:
                set_connections(database_url, allowed=True)
            assert worker.output().count("cannot write to the database") == 1

            def snapshot_count():
                with psycopg.connect(database_url) as db:
                    row = db.execute(
                        "SELECT store, message_count FROM chatsessions_chatsession WHERE id = %s",
                        [session["id"]],
                    ).fetchone()
                return row[0].get("count"), row[1]

            await wait_until(lambda: snapshot_count() == (5, 10), seconds=40)
            assert "database writes work again" in worker.output()
        assert worker.alive()
    finally:
        set_connections(database_url, allowed=True)
        worker.stop()


async def test_the_pubsub_layer_hands_chats_over_and_carries_admin_actions(environment, tmp_path):
    env = {**environment[0], "CHANNEL_LAYER": "pubsub", "CHANNEL_PREFIX": f"pubsub-{uuid.uuid4().hex[:8]}"}
    a, b = (Worker(env, tmp_path / f"pubsub-{name}.log") for name in "ab")
    try:
        cookie = login(a.base, "alice", PASSWORD)
        async with Chat(a, cookie) as chat:
            session = await chat.start()
            assert (await chat.send("count")).content == "1"
        async with Chat(b, cookie) as moved:
            resumed = await moved.start(resume=session["id"])
            assert [m["content"] for m in resumed["history"]] == ["count", "1"]
            assert (await moved.send("count")).content == "2"
            admin = login(a.base, "admin", PASSWORD, path="/admin/login/")
            page = f"/admin/chatsessions/chatsession/{session['id']}/notice/"
            post_form(a.base, page, admin, {"content": "over pub/sub"})
            assert (await moved.expect("message"))["content"] == "over pub/sub"
    finally:
        a.stop()
        b.stop()


# -- account changes reach open sockets on any worker -------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        "user.is_active = False; user.save()",
        "user.set_password('another password'); user.save()",
        "user.delete()",
    ],
    ids=["deactivated", "password changed", "deleted"],
)
async def test_an_account_change_saved_anywhere_closes_the_users_sockets_4401_at_once(
    workers, environment, change
):
    a, b = workers
    name = f"user{uuid.uuid4().hex[:8]}"
    shell = "from django.contrib.auth import get_user_model; User = get_user_model(); "
    run = [sys.executable, "manage.py", "shell", "-c"]
    subprocess.run(
        [*run, shell + f"User.objects.create_user({name!r}, password={PASSWORD!r})"],
        cwd=ROOT,
        env=environment[0],
        check=True,
    )
    async with (
        Chat(b, login(b.base, name, PASSWORD)) as chat,
        Chat(a, login(a.base, "bob", PASSWORD)) as other,
    ):
        session = await chat.start()
        await other.start()
        assert (await chat.send("count")).content == "1"
        code = shell + f"user = User.objects.get(username={name!r}); {change}"
        subprocess.run([*run, code], cwd=ROOT, env=environment[0], check=True)
        while (frame := await chat.receive())["type"] != "error":
            pass
        assert frame["code"] == "not_logged_in"
        assert await chat.closed() == 4401  # without the client sending anything
        assert (await other.send("count")).content == "1"
    await wait_until(
        lambda: [e for e in ended_log(environment) if e[0] == session["id"]] == [(session["id"], b.pid)]
    )


async def test_a_database_outage_answers_a_new_socket_4503_and_the_admin_503_not_http_500(
    environment, database_url, tmp_path
):
    worker = Worker(environment[0], tmp_path / "worker.log")
    try:
        cookie = login(worker.base, "alice", PASSWORD)
        admin = login(worker.base, "admin", PASSWORD, path="/admin/login/")
        set_connections(database_url, allowed=False)
        try:
            async with Chat(worker, cookie) as refused:
                error = await refused.receive()
                assert (error["code"], error["type"]) == ("unavailable", "error")
                assert await refused.closed() == 4503
            request = urllib.request.Request(
                f"{worker.base}/admin/chatsessions/chatsession/", headers={"Cookie": admin}
            )
            with pytest.raises(urllib.error.HTTPError) as answered:
                urllib.request.urlopen(request)
            assert answered.value.code == 503
            assert "The database cannot be reached just now" in answered.value.read().decode()
            # A JSON endpoint says so in JSON, as its other refusals.
            api = f"{worker.base}/chat/api/probe/chats/"
            request = urllib.request.Request(api, headers={"Cookie": cookie})
            with pytest.raises(urllib.error.HTTPError) as answered:
                urllib.request.urlopen(request)
            assert (answered.value.code, answered.value.headers["Content-Type"]) == (503, "application/json")
            assert json.loads(answered.value.read())["error"] == "unavailable"
        finally:
            set_connections(database_url, allowed=True)
        async with Chat(worker, cookie) as chat:
            await chat.start()
            assert (await chat.send("count")).content == "1"
    finally:
        worker.stop()


# -- chats whose worker died ----------------------------------------------------------------------


@pytest.fixture
def beating(environment, tmp_path):
    """Workers that beat every 0.3 s, so that a dead one is noticed within a second."""
    env = {**environment[0], "CHATSESSIONS_TEST_HEARTBEAT": "0.3"}
    started = []

    def start(name):
        worker = Worker(env, tmp_path / f"{name}.log")
        started.append(worker)
        return worker

    yield start, env
    for worker in started:
        if worker.alive():
            worker.stop()


async def test_a_chat_whose_worker_died_is_ended_by_a_live_worker_once(beating, environment):
    start, _ = beating
    doomed, survivor = start("doomed"), start("survivor")
    async with Chat(doomed, login(doomed.base, "alice", PASSWORD)) as chat:
        session = await chat.start()
        assert (await chat.send("set colour=green")).content == "colour set"
        await asyncio.sleep(0.5)  # written
        doomed.kill()
    async with Chat(survivor, login(survivor.base, "bob", PASSWORD)) as other:
        await other.start()  # the survivor's heartbeat runs once it serves a socket
        # Past the lease (3 beats) and the grace period (3 s), the survivor ends the chat.
        await wait_until(lambda: [e for e in ended_log(environment) if e[0] == session["id"]], seconds=20)
        assert (await other.send("count")).content == "1"
    await asyncio.sleep(1)  # more beats of the survivor: they end nothing twice
    assert [e for e in ended_log(environment) if e[0] == session["id"]] == [(session["id"], survivor.pid)]
    assert f"chat {session['id']}: its worker stopped; ended here" in survivor.output()


async def test_the_reap_command_ends_the_chats_of_a_dead_worker_from_cron(beating, environment, database_url):
    start, env = beating
    doomed = start("doomed")
    async with Chat(doomed, login(doomed.base, "alice", PASSWORD)) as chat:
        session = await chat.start()
        assert (await chat.send("count")).content == "1"
        await asyncio.sleep(0.5)
        doomed.kill()
    await asyncio.sleep(4)  # the grace period (3 s) and the lease (0.9 s)
    reap = [sys.executable, "manage.py", "chatsessions_reap"]
    done = subprocess.run(reap, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    assert re.search(r"Ended [1-9][0-9]* chat\(s\)", done.stdout), done.stdout  # ours, maybe others
    entries = [e for e in ended_log(environment) if e[0] == session["id"]]
    assert len(entries) == 1 and entries[0][1] != doomed.pid
    with psycopg.connect(database_url) as db:
        status = db.execute("SELECT status FROM chatsessions_chatsession WHERE id = %s", [session["id"]])
        assert status.fetchone()[0] == "ended"
    again = subprocess.run(reap, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    assert [e for e in ended_log(environment) if e[0] == session["id"]] == entries, again.stdout


async def test_in_the_durable_mode_a_reply_waits_out_a_database_outage(environment, database_url, tmp_path):
    worker = Worker({**environment[0], "CHATSESSIONS_TEST_WRITE_DELAY": "0"}, tmp_path / "worker.log")
    try:
        cookie = login(worker.base, "alice", PASSWORD)
        async with Chat(worker, cookie) as chat:
            session = await chat.start()
            set_connections(database_url, allowed=False)
            try:
                await chat.send_later("count")
                assert (await chat.receive())["type"] == "task"
                with pytest.raises(NoReply):
                    await chat.receive(timeout=2)  # no reply leaves before its row is committed
            finally:
                set_connections(database_url, allowed=True)
            reply = await chat.receive(timeout=40)
            assert (reply["type"], reply.get("content")) == ("message", "1"), (reply, worker.output()[-3000:])
            with psycopg.connect(database_url) as db:
                rows = db.execute(
                    "SELECT content FROM chatsessions_chatmessage WHERE session_id = %s ORDER BY sequence",
                    [session["id"]],
                ).fetchall()
            assert [row[0] for row in rows] == ["count", "1"]
    finally:
        worker.stop()
