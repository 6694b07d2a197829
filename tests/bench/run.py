"""Benchmark: chatsessions against a bare Channels consumer, on daphne and on uvicorn.

    .venv/bin/python -m tests.bench.run [--quick] [--json FILE] [--servers daphne,uvicorn]
                                        [--databases sqlite,postgresql]

For each database (a SQLite file, and a fresh database on the local PostgreSQL) one run
logs real users in through the login form, and for each server starts it pinned to CPU 0
(this client runs on CPU 1) and drives it over real WebSockets: the counter example
through chatsessions and the same counter on a bare AsyncJsonWebsocketConsumer, both
behind the same middleware in the same server process. On PostgreSQL, with the local
Redis, it then runs two workers of each server and moves chats between them. Every reply
is checked against that chat's own count. It prints figures; it asserts none.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from chatsessions.live.outbox import frames_in
from tests.bench.history import drop, postgresql_url
from tests.servers import ROOT, Server, login, post_body, reachable

SERVER_CPU, CLIENT_CPU = 0, 1
APP = "tests.bench.asgi:application"
PASSWORD = "bench-password"
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379


# -- the server -------------------------------------------------------------------------------


# -- the clients ------------------------------------------------------------------------------


class Client:
    """One socket of one of the two implementations."""

    def __init__(self, server: Server, cookie: str, kind: str, path: str | None = None) -> None:
        self.server, self.cookie, self.kind = server, cookie, kind
        self.path = path or ("/ws/chat/" if kind == "chatsessions" else "/ws/bare/")
        self.count = 0
        self.session_id: str | None = None
        self.unread: deque[dict[str, Any]] = deque()

    async def open(self, resume: str | None = None) -> Client:
        self.unread.clear()
        self.socket: ClientConnection = await connect(
            f"ws://127.0.0.1:{self.server.port}{self.path}",
            additional_headers={"Cookie": self.cookie, "Origin": self.server.base},
            max_size=None,
            ping_interval=None,
        )
        if self.kind == "chatsessions":
            await self.socket.send(json.dumps({"type": "start", "resume": resume}))
            while (frame := await self.frame())["type"] != "session":
                pass
            self.session_id = frame["id"]
            if self.path == "/ws/chat/" and resume is None:
                await self.next_of("task", state="end")  # the counter's on_chat_start
        return self

    async def frame(self) -> dict[str, Any]:
        """The next frame; a WebSocket message holds one, or a JSON array of several."""
        if not self.unread:
            self.unread.extend(frames_in(await self.socket.recv()))
        return self.unread.popleft()

    async def next_of(self, frame_type: str, **match: Any) -> dict[str, Any]:
        while True:
            frame = await self.frame()
            if frame["type"] == "error":
                raise RuntimeError(frame)
            if frame["type"] == frame_type and all(frame.get(k) == v for k, v in match.items()):
                return frame

    async def exchange(self) -> float:
        """Sends one message, waits for its checked reply; returns the round trip in seconds."""
        self.count += 1
        started = time.perf_counter()
        await self.socket.send(json.dumps({"type": "message", "content": "hello"}))
        reply = await self.next_of("message")
        elapsed = time.perf_counter() - started
        expected = f"You sent {self.count} message(s)!"
        if reply["content"] != expected:
            raise RuntimeError(f"expected {expected!r}, got {reply['content']!r}")
        if self.kind == "chatsessions":
            await self.next_of("task", state="end")
        return elapsed

    async def close(self) -> None:
        await self.socket.close()


async def gather_limited(calls: list[Callable[[], Awaitable[Any]]], limit: int) -> list[Any]:
    semaphore = asyncio.Semaphore(limit)

    async def run(call: Callable[[], Awaitable[Any]]) -> Any:
        async with semaphore:
            return await call()

    return await asyncio.gather(*(run(call) for call in calls))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# -- the scenarios -------------------------------------------------------------------------------


async def counter(
    servers: list[Server], cookies: list[str], kind: str, chats: int, messages: int
) -> dict[str, float]:
    """The counter in chats at once, each sending messages one after another; with
    several servers, the chats take turns among them."""
    clients = [Client(servers[i % len(servers)], cookies[i % len(cookies)], kind) for i in range(chats)]
    await gather_limited([client.open for client in clients], 50)
    latencies: list[float] = []

    async def converse(client: Client) -> None:
        for _ in range(messages):
            latencies.append(await client.exchange())

    cpu = sum(each.cpu_seconds() for each in servers)
    started = time.perf_counter()
    await asyncio.gather(*(converse(client) for client in clients))
    wall = time.perf_counter() - started
    cpu = sum(each.cpu_seconds() for each in servers) - cpu
    await asyncio.gather(*(client.close() for client in clients))
    total = chats * messages
    return {
        "messages_per_s": total / wall,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p95_ms": percentile(latencies, 0.95) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "cpu_us_per_message": cpu / total * 1e6,
    }


async def idle(server: Server, cookies: list[str], kind: str, chats: int) -> dict[str, float]:
    """Chats opened and left idle: the memory each holds, and how fast they open. A bare
    socket is opened by its handshake alone; it then says one thing and hears the
    answer, as every chat has (its start frame and session frame), since a socket's first
    messages cost memory: on uvicorn, permessage-deflate's decompressor allocates its
    window and the compressor touches its buffers then (about 7 KiB)."""
    await asyncio.sleep(1)
    before = server.rss_bytes()
    clients = [Client(server, cookies[i % len(cookies)], kind) for i in range(chats)]
    started = time.perf_counter()
    await gather_limited([client.open for client in clients], 100)
    opened = time.perf_counter() - started
    if kind == "bare":
        await gather_limited([client.exchange for client in clients], 100)
    await asyncio.sleep(2)
    after = server.rss_bytes()
    await gather_limited([client.close for client in clients], 200)
    return {"kib_per_idle_chat": (after - before) / chats / 1024, "chats_opened_per_s": chats / opened}


async def streaming(server: Server, cookies: list[str], chats: int, tokens: int) -> dict[str, float]:
    clients = [
        Client(server, cookies[i % len(cookies)], "chatsessions", "/ws/chat/stream/") for i in range(chats)
    ]
    await gather_limited([client.open for client in clients], 50)

    async def stream(client: Client) -> int:
        await client.socket.send(json.dumps({"type": "message", "content": str(tokens)}))
        received = 0
        while (frame := await client.frame())["type"] != "message":
            received += frame["type"] == "stream"
        await client.next_of("task", state="end")
        return received

    started = time.perf_counter()
    received = sum(await asyncio.gather(*(stream(client) for client in clients)))
    wall = time.perf_counter() - started
    await asyncio.gather(*(client.close() for client in clients))
    if received != chats * tokens:
        raise RuntimeError(f"streamed {received} tokens, expected {chats * tokens}")
    return {"tokens_per_s": received / wall}


async def resume_storm(
    server: Server,
    cookies: list[str],
    chats: int,
    resume_on: Server,
    kind: str,
) -> dict[str, float]:
    """Chats that each said one thing on server, dropped, and resumed 100 at a time on
    resume_on (server itself, or another worker: the chats then move there). The bare
    consumer's yardstick: the same sockets opened again, each then saying one thing (its
    counter starts over)."""
    clients = [Client(server, cookies[i % len(cookies)], kind) for i in range(chats)]
    await gather_limited([client.open for client in clients], 100)
    for client in clients:
        await client.exchange()
    await gather_limited([client.close for client in clients], 200)
    latencies: list[float] = []

    async def resume(client: Client) -> None:
        client.server = resume_on
        if kind == "bare":
            client.count = 0
        started = time.perf_counter()
        await client.open(resume=client.session_id)
        latencies.append(time.perf_counter() - started)
        await client.exchange()  # the counter goes on from the resumed store

    started = time.perf_counter()
    await gather_limited([lambda c=client: resume(c) for client in clients], 100)
    wall = time.perf_counter() - started
    await gather_limited([client.close for client in clients], 200)
    return {"resumes_per_s": chats / wall, "resume_p99_ms": percentile(latencies, 0.99) * 1000}


async def best_counters(
    servers: list[Server], cookies: list[str], args: argparse.Namespace, progress: Callable[[str], None]
) -> dict[str, Any]:
    """The counter, bare and chatsessions, in alternating rounds; each keeps its best
    round, so a busy moment of the machine costs neither one its figure."""
    best: dict[str, Any] = {}
    for round_number in range(1, args.rounds + 1):
        for impl in ("bare", "chatsessions"):
            progress(f"counter, {impl}, round {round_number}")
            figures = await counter(servers, cookies, impl, args.chats, args.messages)
            key = f"counter/{impl}"
            if key not in best or figures["messages_per_s"] > best[key]["messages_per_s"]:
                best[key] = figures
    return best


async def storms(
    server: Server, resume_on: Server, cookies: list[str], args: argparse.Namespace
) -> dict[str, Any]:
    """Resume storms of chatsessions and reconnect storms of bare, in alternating rounds;
    each keeps its round with the lowest p99 (a storm's figures vary a lot by round)."""
    best: dict[str, Any] = {}
    for _ in range(args.rounds):
        for impl, key in (("bare", "resume/bare"), ("chatsessions", "resume")):
            figures = await resume_storm(server, cookies, args.resumes, resume_on=resume_on, kind=impl)
            if key not in best or figures["resume_p99_ms"] < best[key]["resume_p99_ms"]:
                best[key] = figures
    return best


async def long_chat(server: Server, cookie: str, messages: int) -> dict[str, float]:
    client = await Client(server, cookie, "chatsessions").open()
    window = max(1, messages // 10)
    latencies = [await client.exchange() for _ in range(window)]
    rss_early = server.rss_bytes()
    for _ in range(messages - 2 * window):
        await client.exchange()
    late = [await client.exchange() for _ in range(window)]
    rss_late = server.rss_bytes()
    await client.close()
    return {
        "first_p50_ms": statistics.median(latencies) * 1000,
        "last_p50_ms": statistics.median(late) * 1000,
        "rss_growth_kib": (rss_late - rss_early) / 1024,
    }


class RssWatch:
    """The server's RSS before, at its peak (sampled every 50 ms) and after a scenario."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.before = self.peak = server.rss_bytes()
        self._task: asyncio.Task[None] | None = None

    async def _sample(self) -> None:
        while True:
            self.peak = max(self.peak, self.server.rss_bytes())
            await asyncio.sleep(0.05)

    def __enter__(self) -> RssWatch:
        self._task = asyncio.ensure_future(self._sample())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()

    def figures(self) -> dict[str, float]:
        return {
            "rss_before_mb": self.before / 2**20,
            "rss_peak_mb": self.peak / 2**20,
            "rss_after_mb": self.server.rss_bytes() / 2**20,
        }


async def flood_beside_chats(
    server: Server, cookies: list[str], chats: int, seconds: float
) -> dict[str, float]:
    """One socket sends 60 KB frames as fast as it can and never reads (a new socket each
    time it is dropped), while `chats` chats each exchange a message every 0.2 s: their
    round trips, the flooder's frames, and the worker's RSS."""
    from websockets.exceptions import ConnectionClosed

    talkers = await gather_limited(
        [Client(server, cookies[i % len(cookies)], "chatsessions").open for i in range(chats)], 50
    )
    await asyncio.sleep(1)
    trips: list[float] = []
    sent = sockets = 0
    padding = "x" * 60_000
    deadline = time.monotonic() + seconds

    async def talk(client: Client) -> None:
        while time.monotonic() < deadline:
            trips.append(await client.exchange())
            await asyncio.sleep(0.2)

    async def flood() -> None:
        nonlocal sent, sockets
        while time.monotonic() < deadline:
            try:
                async with connect(
                    f"ws://127.0.0.1:{server.port}/ws/chat/",
                    additional_headers={"Cookie": cookies[-1], "Origin": server.base},
                    max_queue=1,  # reads nothing past the first frame
                    compression=None,
                    ping_interval=None,
                ) as socket:
                    sockets += 1
                    await socket.send(json.dumps({"type": "start"}))
                    while time.monotonic() < deadline:
                        await socket.send(json.dumps({"type": "stop", "padding": padding}))
                        sent += 1
                        await asyncio.sleep(0)  # a send that need not wait never lets the chats run
            except (ConnectionClosed, OSError):
                pass

    with RssWatch(server) as watch:
        await asyncio.gather(flood(), *(talk(client) for client in talkers))
        await asyncio.sleep(1)
    await gather_limited([client.close for client in talkers], 50)
    return {
        **watch.figures(),
        "p50_ms": percentile(trips, 0.5) * 1000,
        "p99_ms": percentile(trips, 0.99) * 1000,
        "max_ms": max(trips) * 1000,
        "round_trips": len(trips),
        "flood_frames": sent,
        "flood_sockets": sockets,
    }


async def clients_not_reading(server: Server, cookies: list[str], sockets: int) -> dict[str, float]:
    """`sockets` clients ask for long streams and never read: the worker's RSS."""

    async def open_unread(cookie: str) -> ClientConnection:
        socket = await connect(
            f"ws://127.0.0.1:{server.port}/ws/chat/stream/",
            additional_headers={"Cookie": cookie, "Origin": server.base},
            max_queue=1,  # stops reading from the socket after one frame
            ping_interval=None,
        )
        await socket.send(json.dumps({"type": "start"}))
        await socket.send(json.dumps({"type": "message", "content": "300000"}))
        return socket

    with RssWatch(server) as watch:
        readers = [await open_unread(cookies[i % len(cookies)]) for i in range(sockets)]
        await asyncio.sleep(20)  # while the streams pile up unsent, until each is closed
        for socket in readers:
            socket.transport.abort()
        await asyncio.sleep(1)
    return watch.figures()


async def large_bodies(server: Server, cookie: str, mebibytes: int) -> dict[str, float]:
    """Four bodies of `mebibytes` MiB at once: declared and chunked, to the login form
    (anonymous) and to the upload endpoint (logged in)."""
    upload = f"/chat/api/default/chats/{uuid.uuid4()}/files/"
    size = mebibytes * 2**20
    anonymous = {"Content-Type": "multipart/form-data; boundary=b"}
    logged_in = {**anonymous, "Cookie": cookie}
    attacks = [("/accounts/login/", anonymous, size), ("/accounts/login/", anonymous, None)]
    attacks += [(upload, logged_in, size), (upload, logged_in, None)]
    with RssWatch(server) as watch:
        answers = await asyncio.gather(
            *(
                asyncio.to_thread(post_body, server, path, headers=headers, length=length, total=size)
                for path, headers, length in attacks
            )
        )
        await asyncio.sleep(1)
    return {
        **watch.figures(),
        "statuses": "/".join(str(answer.status) for answer in answers),
        "sent_mb": max(answer.sent for answer in answers) / 2**20,
    }


async def hostile(server: Server, cookies: list[str], args: argparse.Namespace) -> dict[str, Any]:
    """The worker's RSS, and the other chats' round trips, under what a hostile client
    can send; the floods meet the default inbound budget (1 MiB and 1,000 frames per 10 s)."""
    return {
        "flood": await flood_beside_chats(server, cookies, args.flood_chats, args.flood_seconds),
        "unread": await clients_not_reading(server, cookies, args.flood_sockets),
        "bodies": await large_bodies(server, cookies[0], args.body_mib),
    }


# -- the run -----------------------------------------------------------------------------------


def prepare(folder: Path, users: int, database_url: str | None = None) -> dict[str, str]:
    """Migrates the database (a SQLite file in folder unless database_url is given) and
    creates the users; returns the servers' environment."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.bench.settings",
        "DATABASE_URL": database_url or f"sqlite:///{folder / 'bench.sqlite3'}",
        "PYTHONUNBUFFERED": "1",
    }
    script = (
        "from django.contrib.auth.models import User\n"
        f"for i in range({users}):\n"
        f"    User.objects.create_user(f'bench{{i}}', password={PASSWORD!r})\n"
    )
    quiet = {"cwd": ROOT, "env": env, "check": True, "capture_output": True}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], **quiet)  # type: ignore[call-overload]
    subprocess.run([sys.executable, "manage.py", "shell", "-v0", "-c", script], **quiet)  # type: ignore[call-overload]
    return env


async def bench_server(
    kind: str, env: dict[str, str], folder: Path, args: argparse.Namespace
) -> dict[str, Any]:
    results: dict[str, Any] = {}

    def fresh() -> Server:
        return Server(env, folder / f"{kind}.log", kind=kind, app=APP, cpu=SERVER_CPU)

    def progress(step: str) -> None:
        print(f"[{kind}] {step}…", file=sys.stderr, flush=True)

    server = fresh()
    progress("logging in")
    cookies = [login(server.base, f"bench{i}", PASSWORD) for i in range(args.users)]
    try:
        results.update(await best_counters([server], cookies, args, progress))
        # The cost of a message must not grow with the number of chats.
        for impl in ("bare", "chatsessions"):
            progress(f"counter with a tenth of the chats, {impl}")
            chats = max(1, args.chats // 10)
            results[f"few/{impl}"] = await counter([server], cookies, impl, chats, args.messages)
    finally:
        server.stop()
    for impl in ("bare", "chatsessions"):
        server = fresh()
        progress(f"idle chats, {impl}")
        try:
            results[f"idle/{impl}"] = await idle(server, cookies, impl, args.idle)
        finally:
            server.stop()
    # The durable mode; and the writes put off past the run, which shows what the rest of
    # chatsessions costs (the writer's CPU shares the server's one core).
    for mode, write_delay in (("durable", "0"), ("deferred", "3600")):
        server = Server(
            {**env, "BENCH_WRITE_DELAY": write_delay},
            folder / f"{kind}-{mode}.log",
            kind=kind,
            app=APP,
            cpu=SERVER_CPU,
        )
        try:
            for round_number in range(1, args.rounds + 1):  # the best round, as the counter's
                progress(f"counter, WRITE_DELAY_SECONDS = {write_delay}, round {round_number}")
                figures = await counter([server], cookies, "chatsessions", args.chats, args.messages)
                best = results.get(f"counter/{mode}")
                if best is None or figures["messages_per_s"] > best["messages_per_s"]:
                    results[f"counter/{mode}"] = figures
        finally:
            server.stop()
    # The hostile clients meet the default inbound budget (1 MiB and 1,000 frames per 10 s).
    server = Server(
        {**env, "BENCH_INBOUND_BYTES": str(2**20), "BENCH_INBOUND_FRAMES": "1000"},
        folder / f"{kind}-hostile.log",
        kind=kind,
        app=APP,
        cpu=SERVER_CPU,
    )
    try:
        progress("hostile clients")
        results["hostile"] = await hostile(server, cookies, args)
    finally:
        server.stop()
    server = fresh()
    try:
        progress("streaming")
        results["stream"] = await streaming(server, cookies, args.chats, args.tokens)
        progress("resume storms")
        results.update(await storms(server, server, cookies, args))
        progress("long chat")
        results["long"] = await long_chat(server, cookies[0], args.long)
    finally:
        server.stop()
    return results


async def bench_two_workers(
    kind: str, env: dict[str, str], folder: Path, args: argparse.Namespace
) -> dict[str, Any]:
    """Two workers of one kind on PostgreSQL and Redis, the chats taking turns among them,
    and a resume storm in which every chat moves to the other worker. Both workers share
    the server's CPU (this machine has two cores, and the client has the other): the
    figures say what the path across workers costs, not how far two workers scale."""
    env = {
        **env,
        "REDIS_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/0",
        "CHANNEL_PREFIX": f"chatsessions-bench-{uuid.uuid4().hex[:8]}",
    }
    servers = [
        Server(env, folder / f"{kind}-{name}.log", kind=kind, app=APP, cpu=SERVER_CPU) for name in "ab"
    ]
    results: dict[str, Any] = {}

    def progress(step: str) -> None:
        print(f"[two {kind} workers] {step}…", file=sys.stderr, flush=True)

    try:
        progress("logging in")
        cookies = [login(servers[0].base, f"bench{i}", PASSWORD) for i in range(args.users)]
        results.update(await best_counters(servers, cookies, args, progress))
        progress("resume storms across workers")
        results.update(await storms(servers[0], servers[1], cookies, args))
    finally:
        for server in servers:
            server.stop()
    return results


#: The rows that compare bare and chatsessions: (label, scenario, key, format).
COMPARED = [
    ("messages/s", "counter", "messages_per_s", "{:.0f}"),
    ("p50 round trip (ms)", "counter", "p50_ms", "{:.2f}"),
    ("p95 round trip (ms)", "counter", "p95_ms", "{:.2f}"),
    ("p99 round trip (ms)", "counter", "p99_ms", "{:.2f}"),
    ("server CPU per message (µs)", "counter", "cpu_us_per_message", "{:.0f}"),
    ("  the same, a tenth of the chats", "few", "cpu_us_per_message", "{:.0f}"),
    ("RSS per idle chat (KiB)", "idle", "kib_per_idle_chat", "{:.1f}"),
    ("chats opened per s", "idle", "chats_opened_per_s", "{:.0f}"),
    ("resume storm, resumes/s", "resume", "resumes_per_s", "{:.0f}"),
    ("resume storm, p99 (ms)", "resume", "resume_p99_ms", "{:.1f}"),
]


def compared(results: dict[str, Any]) -> list[str]:
    """The rows of COMPARED that results has (two workers run the counter and the storm
    only), bare's figure beside ours; a storm's bare figure is its sockets opened again."""
    lines = [f"  {'':30} {'bare':>10} {'chatsessions':>13} {'ratio':>7}"]
    for label, scenario, key, fmt in COMPARED:
        ours_key = "resume" if scenario == "resume" else f"{scenario}/chatsessions"
        if ours_key not in results:
            continue
        bare, ours = results[f"{scenario}/bare"][key], results[ours_key][key]
        ratio = ours / bare if bare else float("nan")
        lines.append(f"  {label:30} {fmt.format(bare):>10} {fmt.format(ours):>13} {ratio:>7.2f}")
    return lines


def hostile_lines(hostile: dict[str, Any]) -> list[str]:
    flood, unread, bodies = hostile["flood"], hostile["unread"], hostile["bodies"]
    lines = [f"  {'worker RSS (MB): before, peak, after':44}"]
    for label, figures in (
        ("  a flooder beside the chats", flood),
        ("  clients that never read", unread),
        (f"  four large bodies ({bodies['statuses']})", bodies),
    ):
        rss = (figures["rss_before_mb"], figures["rss_peak_mb"], figures["rss_after_mb"])
        lines.append(f"  {label:42} " + " ".join(f"{mb:>5.0f}" for mb in rss))
    lines.append(
        f"  {'  the chats beside the flood, p50/p99/max (ms)':46} {flood['p50_ms']:.1f}"
        f" / {flood['p99_ms']:.1f} / {flood['max_ms']:.0f} ({flood['round_trips']} round trips)"
    )
    lines.append(
        f"  {'  the flooder: frames out, sockets':46} {flood['flood_frames']} in {flood['flood_sockets']}"
        f"; the bodies: at most {bodies['sent_mb']:.1f} MiB out before the 413"
    )
    return lines


def table(all_results: dict[str, dict[str, Any]]) -> str:
    lines = []
    for kind, results in all_results.items():
        lines.append(f"\n{kind}")
        lines.extend(compared(results))
        if "stream" not in results:  # two workers
            continue
        lines.append(f"  {'streaming tokens/s':30} {'':>10} {results['stream']['tokens_per_s']:>13.0f}")
        durable = results["counter/durable"]
        lines.append(
            f"  {'durable mode, messages/s':30} {'':>10} {durable['messages_per_s']:>13.0f}"
            f" {durable['messages_per_s'] / results['counter/chatsessions']['messages_per_s']:>7.2f}"
        )
        lines.append(
            f"  {'durable mode, p95 (ms)':30} {'':>10} {durable['p95_ms']:>13.2f}"
            f" {durable['p95_ms'] / results['counter/chatsessions']['p95_ms']:>7.2f}"
        )
        deferred, bare = results["counter/deferred"], results["counter/bare"]
        for label, key, fmt in (("messages/s", "messages_per_s", ".0f"), ("p95 (ms)", "p95_ms", ".2f")):
            lines.append(
                f"  {'writes deferred, ' + label:30} {bare[key]:>10{fmt}} {deferred[key]:>13{fmt}}"
                f" {deferred[key] / bare[key]:>7.2f}"
            )
        lines.extend(hostile_lines(results["hostile"]))
        long = results["long"]
        lines.append(f"  {'long chat p50, first 10% (ms)':30} {'':>10} {long['first_p50_ms']:>13.2f}")
        lines.append(f"  {'long chat p50, last 10% (ms)':30} {'':>10} {long['last_p50_ms']:>13.2f}")
        lines.append(f"  {'long chat RSS growth (KiB)':30} {'':>10} {long['rss_growth_kib']:>13.0f}")
    return "\n".join(lines)


def hostile_table(args: argparse.Namespace) -> str:
    """The hostile scenarios alone, on a SQLite worker of each server."""
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {
            **prepare(folder, args.users),
            "BENCH_INBOUND_BYTES": str(2**20),
            "BENCH_INBOUND_FRAMES": "1000",
        }
        for kind in args.servers.split(","):
            server = Server(env, folder / f"{kind}-hostile.log", kind=kind, app=APP, cpu=SERVER_CPU)
            try:
                cookies = [login(server.base, f"bench{i}", PASSWORD) for i in range(args.users)]
                lines.append(f"\n{kind}")
                lines.extend(hostile_lines(asyncio.run(hostile(server, cookies, args))))
            finally:
                server.stop()
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--servers", default="daphne,uvicorn")
    parser.add_argument(
        "--databases",
        default="sqlite,postgresql",
        help="sqlite and/or postgresql (a fresh database on the local one; with Redis, also two workers)",
    )
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--chats", type=int, default=100)
    parser.add_argument("--messages", type=int, default=200, help="per chat, one after another")
    parser.add_argument("--rounds", type=int, default=3, help="counter rounds; the best counts")
    parser.add_argument("--idle", type=int, default=2000)
    parser.add_argument("--tokens", type=int, default=200, help="per streamed reply")
    parser.add_argument("--resumes", type=int, default=500)
    parser.add_argument("--long", type=int, default=10_000, help="messages in the long chat")
    parser.add_argument("--flood-sockets", type=int, default=8, help="clients that never read")
    parser.add_argument("--flood-chats", type=int, default=50, help="chats beside the flooder")
    parser.add_argument("--flood-seconds", type=float, default=60, help="how long the flooder sends")
    parser.add_argument("--body-mib", type=int, default=400, help="the size of each large body")
    parser.add_argument(
        "--only-hostile",
        action="store_true",
        help="only the hostile clients, on one SQLite worker of each server",
    )
    parser.add_argument("--quick", action="store_true", help="a smaller run, to try the script")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    if args.quick:
        args.users, args.chats, args.messages, args.idle, args.rounds = 10, 20, 20, 200, 1
        args.tokens, args.resumes, args.long = 20, 50, 500
        args.flood_sockets, args.flood_chats, args.flood_seconds, args.body_mib = 2, 10, 5, 100
    os.sched_setaffinity(0, {CLIENT_CPU})
    if args.only_hostile:
        print(hostile_table(args))
        return
    results = {}
    for database in args.databases.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            url = None if database == "sqlite" else postgresql_url()
            if database != "sqlite" and url is None:
                continue
            try:
                env = prepare(folder, args.users, url)
                for kind in args.servers.split(","):
                    # The heading says which database only when the run measures several.
                    label = kind if args.databases == "sqlite" else f"{kind} on {database}"
                    results[label] = asyncio.run(bench_server(kind, env, folder, args))
                if url is not None and reachable(REDIS_HOST, REDIS_PORT):
                    for kind in args.servers.split(","):
                        label = f"two {kind} workers on postgresql + redis"
                        results[label] = asyncio.run(bench_two_workers(kind, env, folder, args))
                elif url is not None:
                    print(f"Redis is not reachable at {REDIS_HOST}:{REDIS_PORT}: no two-worker figures")
            finally:
                if url is not None:
                    drop(url)
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
