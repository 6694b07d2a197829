"""What an anonymous or hostile client can take from a worker, through a real daphne and a
real uvicorn (issue 25): request bodies refused before they are read, flooders shut out
within a second, a socket's Origin checked with its port, a client that leaves first.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from http.cookies import SimpleCookie

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from chatsessions.live.outbox import frames_in
from tests.servers import ROOT, Answer, Chat, Server, login, post_body

PASSWORD = "limits-test-password"
MiB = 1024 * 1024
#: What a worker may grow by under any of these attacks.
GROWTH_LIMIT = 64 * MiB


@pytest.fixture(scope="module", params=["daphne", "uvicorn"])
def server(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(request.param)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.scale_settings",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "DEMO_PASSWORD": PASSWORD,
        "PYTHONUNBUFFERED": "1",
        "DJANGO_CSRF_TRUSTED_ORIGINS": "http://trusted.invalid:8443",
    }
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "manage.py", "demo", "--no-serve"], cwd=ROOT, env=env, check=True)
    worker = Server(env, folder / "worker.log", kind=request.param, password=PASSWORD)
    yield worker
    worker.stop()


@pytest.fixture(scope="module")
def cookie(server):
    return server.login("alice")


def own_chat(server, cookie, app: str = "files") -> str:
    async def start() -> str:
        async with Chat(server, cookie, f"/ws/chat/{app}/") as chat:
            return str((await chat.start())["id"])

    return asyncio.run(start())


def upload_headers(cookie: str, content_type: str = "multipart/form-data; boundary=b") -> dict[str, str]:
    token = SimpleCookie(cookie)["csrftoken"].value
    return {"Cookie": cookie, "X-CSRFToken": token, "Content-Type": content_type}


def multipart(name: str, content: bytes) -> bytes:
    return (
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="%s"\r\n'
        b"Content-Type: text/csv\r\n\r\n%s\r\n--b--\r\n" % (name.encode(), content)
    )


# -- 1. request bodies ----------------------------------------------------------------------------


def test_an_anonymous_body_over_the_limit_is_refused_before_it_is_read(server):
    before = server.rss_bytes()
    answer = post_body(
        server,
        "/accounts/login/",
        headers={"Content-Type": "multipart/form-data; boundary=b"},
        length=300 * MiB,
        total=300 * MiB,
    )
    assert (answer.status, answer.json()["error"]) == (413, "request_too_large")
    assert answer.headers["content-type"] == "application/json"
    assert answer.sent < 16 * MiB  # answered at the headers, not after the body
    assert server.rss_bytes() - before < GROWTH_LIMIT


def test_an_upload_over_the_limit_is_refused_before_it_is_read(server, cookie):
    path = f"/chat/api/files/chats/{own_chat(server, cookie)}/files/"
    answer = post_body(server, path, headers=upload_headers(cookie), length=400 * MiB, total=400 * MiB)
    assert (answer.status, answer.json()["error"]) == (413, "request_too_large")
    assert answer.sent < 16 * MiB


def test_a_chunked_body_over_the_limit_is_cut_off_at_the_limit(server, cookie):
    path = f"/chat/api/files/chats/{own_chat(server, cookie)}/files/"
    before = server.rss_bytes()
    answer = post_body(server, path, headers=upload_headers(cookie), length=None, total=400 * MiB)
    assert (answer.status, answer.json()["error"]) == (413, "request_too_large")
    assert answer.sent < 50 * MiB + 64 * 1024 + 16 * MiB  # the upload's limit, and what is under way
    assert server.rss_bytes() - before < GROWTH_LIMIT


def test_a_chunked_upload_within_the_limits_is_taken(server, cookie):
    path = f"/chat/api/files/chats/{own_chat(server, cookie)}/files/"
    body = multipart("cities.csv", b"city,people\nParis,2102650\n")
    answer = post_body(server, path, headers=upload_headers(cookie), length=None, total=len(body), chunk=body)
    assert answer.status == 201, answer.body
    [kept] = answer.json()["files"]
    assert (kept["name"], kept["mime"]) == ("cities.csv", "text/csv")


def test_four_concurrent_400_mib_bodies_grow_a_worker_by_less_than_64_mib(server, cookie):
    upload = f"/chat/api/files/chats/{own_chat(server, cookie)}/files/"
    attacks = [
        ("/accounts/login/", {"Content-Type": "multipart/form-data; boundary=b"}, 400 * MiB),
        ("/accounts/login/", {"Content-Type": "multipart/form-data; boundary=b"}, None),
        (upload, upload_headers(cookie), 400 * MiB),
        (upload, upload_headers(cookie), None),
    ]
    before = server.rss_bytes()
    peak = [before]
    answers: list[Answer] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], server.rss_bytes())
            time.sleep(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()
    threads = [
        threading.Thread(
            target=lambda a=attack: answers.append(
                post_body(server, a[0], headers=a[1], length=a[2], total=400 * MiB)
            )
        )
        for attack in attacks
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    watcher.join()
    assert sorted(answer.status for answer in answers) == [413] * 4
    assert peak[0] - before < GROWTH_LIMIT, f"{(peak[0] - before) / MiB:.0f} MiB"


@pytest.mark.parametrize(
    ("name", "count", "code"),
    [("a" * 1000 + ".csv", 1, "invalid_upload"), ("x.csv", 101, "too_many_files")],
)
def test_every_refusal_of_the_upload_endpoint_is_json(server, cookie, name, count, code):
    path = f"/chat/api/files/chats/{own_chat(server, cookie)}/files/"
    part = multipart(name, b"a,b\n1,2\n").removesuffix(b"--b--\r\n")
    body = part * count + b"--b--\r\n"
    answer = post_body(
        server, path, headers=upload_headers(cookie), length=len(body), total=len(body), chunk=body
    )
    assert (answer.status, answer.headers["content-type"], answer.json()["error"]) == (
        400,
        "application/json",
        code,
    )


# -- 2 and 3. flooders ---------------------------------------------------------------------------


async def test_a_flooder_that_never_reads_is_dropped_and_the_worker_does_not_grow(server, cookie):
    """It sends 60 KB frames as fast as it can and never reads, so it never answers the
    server's close: the server stops reading it and drops the connection."""
    before = server.rss_bytes()
    sent = 0
    padding = "x" * 60_000
    async with connect(
        f"ws://127.0.0.1:{server.port}/ws/chat/probe/",
        additional_headers={"Cookie": cookie, "Origin": server.base},
        max_queue=1,
        compression=None,
    ) as flooder:
        await flooder.send(json.dumps({"type": "start"}))
        with pytest.raises(ConnectionClosed):
            for _ in range(20_000):  # 1.2 GB, if nothing stopped it
                await flooder.send(json.dumps({"type": "stop", "padding": padding}))
                sent += 1
                await asyncio.sleep(0)
    # Twice the budget (2 MiB), what was under way, and the kernel's buffers: not a flood.
    assert sent * 60_000 < 32 * MiB, f"{sent} frames sent before the server dropped the flooder"
    assert server.rss_bytes() - before < GROWTH_LIMIT
    async with Chat(server, cookie) as other:
        await other.start()
        assert (await other.send("count")).content == "1"


async def test_small_frames_count_too_a_flood_of_feedback_is_refused_then_closed(server, cookie):
    async with connect(
        f"ws://127.0.0.1:{server.port}/ws/chat/probe/",
        additional_headers={"Cookie": cookie, "Origin": server.base},
    ) as flooder:
        await flooder.send(json.dumps({"type": "start"}))
        codes: list[str] = []

        async def read() -> None:
            async for message in flooder:
                codes.extend(frame.get("code", "") for frame in frames_in(message))

        reading = asyncio.ensure_future(read())
        with pytest.raises(ConnectionClosed) as closed:
            for _ in range(3000):
                await flooder.send(json.dumps({"type": "feedback", "for": "x", "value": 1}))
                await asyncio.sleep(0)
            await reading
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4429
    assert codes.count("rate_limited") >= 999  # the frames past the first 1,000, and the close's


# -- 4. a client that leaves first -----------------------------------------------------------------


async def test_a_client_that_leaves_while_its_chat_writes_leaves_no_error_in_the_log(server, cookie):
    """The client sends its close while a reply streams, and reads no more: the server's
    next writes find the socket closing (uvicorn raises ClientDisconnected)."""
    for _ in range(20):
        async with connect(
            f"ws://127.0.0.1:{server.port}/ws/chat/probe/",
            additional_headers={"Cookie": cookie, "Origin": server.base},
            close_timeout=1,
        ) as leaving:
            await leaving.send(json.dumps({"type": "start"}))
            await leaving.recv()
            await leaving.send(json.dumps({"type": "message", "content": "spew 2000"}))
            while "stream" not in await leaving.recv():
                pass
        for app in ("probe/", ""):  # the client ends its chat and drops the connection at once
            leaving = await connect(
                f"ws://127.0.0.1:{server.port}/ws/chat/{app}",
                additional_headers={"Cookie": cookie, "Origin": server.base},
            )
            await leaving.send(json.dumps({"type": "start"}))
            await leaving.recv()
            await leaving.send(json.dumps({"type": "end"}))
            leaving.transport.abort()
    await asyncio.sleep(1)
    log = server.output()
    for trace in ("ClientDisconnected", "Task exception was never retrieved", "Traceback"):
        assert trace not in log, log[log.index(trace) - 2000 : log.index(trace) + 2000]
    async with Chat(server, cookie) as other:
        await other.start()
        assert (await other.send("count")).content == "1"


# -- 8. the Origin, port and all ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "origin",
    [
        "http://127.0.0.1:1",  # another app on the same host
        "http://localhost:{port}",  # another host name the site answers to: another origin
        "https://127.0.0.1:{port}",  # another scheme
        "null",  # a sandboxed frame, a file
    ],
)
async def test_a_socket_from_another_origin_is_refused_4003_and_logged(server, cookie, origin):
    origin = origin.format(port=server.port)
    async with connect(
        f"ws://127.0.0.1:{server.port}/ws/chat/probe/",
        additional_headers={"Cookie": cookie, "Origin": origin},
    ) as socket_:  # refused as it opens, before any frame
        frame = json.loads(await socket_.recv())
        assert (frame["type"], frame["code"]) == ("error", "forbidden_origin")
        with pytest.raises(ConnectionClosed) as closed:
            await socket_.recv()
        assert closed.value.rcvd.code == 4003
    assert f"refused a chat socket from origin {origin!r}" in server.output()


@pytest.mark.parametrize("origin", ["http://127.0.0.1:{port}", "http://trusted.invalid:8443"])
async def test_a_socket_from_the_sites_own_or_a_trusted_origin_chats(server, cookie, origin):
    headers = {"Cookie": cookie, "Origin": origin.format(port=server.port)}
    async with connect(f"ws://127.0.0.1:{server.port}/ws/chat/probe/", additional_headers=headers) as socket_:
        await socket_.send(json.dumps({"type": "start"}))
        assert frames_in(await socket_.recv())[0]["type"] == "session"


def test_the_login_page_still_logs_in(server):
    assert "sessionid" in login(server.base, "bob", PASSWORD)
    assert uuid.UUID(own_chat(server, login(server.base, "bob", PASSWORD), app="probe"))
