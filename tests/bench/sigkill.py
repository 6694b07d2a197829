"""What a SIGKILL loses: answers a client received that never reached the database.

    .venv/bin/python -m tests.bench.sigkill [--kills 10] [--write-delay 0.1] [--chats 10] [--pause 0]

Each round starts daphne on a fresh SQLite file, lets `chats` clients count (as fast as
they can, or with a pause between messages), kills the server at a random moment, and
then compares, per chat, the answers the client received with the rows written. It
prints how many answers were lost and how long before the kill the oldest lost one had
reached its client. It asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from chatsessions.live.outbox import frames_in
from tests.bench.run import PASSWORD, prepare
from tests.servers import ROOT, Server, login


async def chat(port: int, cookie: str, received: dict[str, list[float]], pause: float) -> None:
    """Counts until the server dies; records when each answer arrived."""
    base = f"http://127.0.0.1:{port}"
    try:
        async with connect(
            f"ws://127.0.0.1:{port}/ws/chat/", additional_headers={"Cookie": cookie, "Origin": base}
        ) as socket:
            unread: list[dict[str, Any]] = []

            async def next_frame() -> dict[str, Any]:
                # A WebSocket message holds a frame, or a JSON array of several.
                if not unread:
                    unread.extend(frames_in(await socket.recv()))
                return unread.pop(0)

            await socket.send(json.dumps({"type": "start"}))
            while (session := await next_frame())["type"] != "session":
                pass
            times = received.setdefault(session["id"], [])
            while True:
                await socket.send(json.dumps({"type": "message", "content": "hi"}))
                while (await next_frame())["type"] != "message":
                    pass
                times.append(time.monotonic())
                await asyncio.sleep(pause)
    except (ConnectionClosed, OSError):
        return


async def one_kill(folder: Path, env: dict[str, str], chats: int, pause: float) -> tuple[int, int, float]:
    server = Server(env, folder / "sigkill.log")
    port = server.port
    cookie = login(f"http://127.0.0.1:{port}", "bench0", PASSWORD)
    received: dict[str, list[float]] = {}
    clients = [asyncio.create_task(chat(port, cookie, received, pause)) for _ in range(chats)]
    await asyncio.sleep(random.uniform(1.0, 2.0))
    server.kill()
    killed = time.monotonic()
    await asyncio.gather(*clients)
    lost = answered = 0
    oldest = 0.0
    with sqlite3.connect(folder / "bench.sqlite3") as db:
        for session_id, times in received.items():
            written = db.execute(
                "SELECT count(*) FROM chatsessions_chatmessage WHERE session_id = ? AND role = 'assistant'",
                [session_id.replace("-", "")],
            ).fetchone()[0]
            answered += len(times)
            if written < len(times):
                lost += len(times) - written
                oldest = max(oldest, killed - times[written])
    return answered, lost, oldest


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--write-delay", default="0.1")
    parser.add_argument("--chats", type=int, default=10)
    parser.add_argument("--pause", type=float, default=0.0, help="seconds each chat waits between messages")
    args = parser.parse_args()
    pace = f"every {args.pause:g} s" if args.pause else "as fast as they can"
    print(f"WRITE_DELAY_SECONDS = {args.write_delay}, {args.chats} chats counting {pace}, daphne, SQLite")
    print(f"{'kill':>4} {'answered':>9} {'lost':>5} {'oldest lost answer (ms before the kill)':>40}")
    for kill in range(1, args.kills + 1):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            env = {**prepare(folder, 1), "BENCH_WRITE_DELAY": args.write_delay}
            answered, lost, oldest = await one_kill(folder, env, args.chats, args.pause)
        print(f"{kill:>4} {answered:>9} {lost:>5} {oldest * 1000:>40.0f}", flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    asyncio.run(main())
