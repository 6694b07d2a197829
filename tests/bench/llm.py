"""Benchmark: LLM calls through cl.instrument_openai(), against the tests' own
OpenAI-compatible server (tests/fake_openai.py, in a process of its own).

    .venv/bin/python -m tests.bench.llm [--calls 200] [--streams 5]

The test app tests/chat_apps/llm_calls.py runs on a daphne worker (SQLite), once with the
openai client instrumented and once without (CHATSESSIONS_BENCH_PLAIN_OPENAI), and a
client drives it over a real WebSocket: streamed answers of MANY tokens, each token
streamed on into the chat's message (tokens/s, best of --streams), and --calls small
calls one after another (ms per call). The difference per call is what the
instrumentation costs: its step, shown at the start and completed at the end, and its
generation, kept. It prints figures; it asserts none.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.fake_openai import MANY
from tests.servers import ROOT, free_port, sqlite_worker, stop_process, wait_for_port

PASSWORD = "bench-password"


async def measure(base: str, cookie: str, calls: int, streams: int) -> tuple[float, float]:
    """(tokens/s of the best streamed answer, ms per small call)."""
    from chatsessions.testing import ChatClient  # needs the settings (main sets them up)

    async with ChatClient("llm-calls", server=base, cookie=cookie, timeout=60) as chat:
        await chat.send("plain warm up")
        best = 0.0
        for _ in range(streams):
            started = time.perf_counter()
            reply = await chat.send("stream many")
            elapsed = time.perf_counter() - started
            assert reply is not None and reply.content.count("tok") == MANY, reply
            best = max(best, MANY / elapsed)
        started = time.perf_counter()
        for number in range(calls):
            reply = await chat.send(f"plain {number}")
            assert reply is not None and reply.content == f"You said: plain {number}", reply
        per_call = (time.perf_counter() - started) / calls * 1000
    return best, per_call


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")  # the client's side: the apps' names
    django.setup()
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--streams", type=int, default=5)
    options = parser.parse_args()
    port = free_port()
    fake = subprocess.Popen([sys.executable, "-m", "tests.fake_openai", str(port)], cwd=ROOT)
    figures: dict[str, tuple[float, float]] = {}
    try:
        wait_for_port(port, fake)
        for mode in ("plain", "instrumented"):
            with tempfile.TemporaryDirectory() as folder:
                environment = {"FAKE_OPENAI_URL": f"http://127.0.0.1:{port}/v1"}
                if mode == "plain":
                    environment["CHATSESSIONS_BENCH_PLAIN_OPENAI"] = "1"
                worker = sqlite_worker(Path(folder), PASSWORD, **environment)
                try:
                    print(f"[{mode}] streams and calls…", flush=True)
                    figures[mode] = asyncio.run(
                        measure(worker.base, worker.login("alice"), options.calls, options.streams)
                    )
                finally:
                    worker.stop()
    finally:
        stop_process(fake)
    (plain_rate, plain_call), (rate, call) = figures["plain"], figures["instrumented"]
    print(f"\nLLM calls through a chat (daphne, SQLite; {MANY}-token streams, {options.calls} small calls)")
    print(f"{'':38}{'plain':>10}{'instrumented':>14}{'ratio':>8}")
    print(f"  {'streamed tokens/s (best)':36}{plain_rate:>10.0f}{rate:>14.0f}{rate / plain_rate:>8.2f}")
    print(f"  {'ms per small call':36}{plain_call:>10.2f}{call:>14.2f}{call / plain_call:>8.2f}")
    print(f"  {'the instrumentation per call (ms)':36}{call - plain_call:>24.2f}")


if __name__ == "__main__":
    main()
