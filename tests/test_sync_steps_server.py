"""Chainlit's step app in its sync form on real servers: sync steps that an async handler
calls wait with cl.run_sync on the server's own loop, daphne's (asyncio) and uvicorn's
(uvloop, which nest_asyncio cannot patch), and another chat answers meanwhile."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest

from chatsessions.testing import ChatClient
from tests.servers import ROOT, Server, login

PASSWORD = "sync-steps-password"


@pytest.fixture(scope="module", params=["daphne", "uvicorn"])
def server(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"sync-steps-{request.param}")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.scale_settings",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "DEMO_PASSWORD": PASSWORD,
    }
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "manage.py", "demo", "--no-serve"], cwd=ROOT, env=env, check=True)
    started = Server(env, folder / "server.log", kind=request.param, password=PASSWORD)
    yield started
    started.stop()


async def test_sync_steps_wait_on_the_servers_loop_while_another_chat_answers(server):
    cookie = await asyncio.to_thread(login, server.base, "alice", PASSWORD)
    async with (
        ChatClient("e2e-step-sync", server=server.base, cookie=cookie, timeout=15) as steps,
        ChatClient("default", server=server.base, cookie=cookie) as counter,
    ):
        await steps.send_later("Hello")  # its tool3 waits 2 s in cl.run_sync(cl.sleep(2))
        await asyncio.sleep(0.5)
        # The loop is not blocked: the counter answers while the sync step waits.
        assert (await counter.send("hi")) is not None
        reply = (await steps.wait()).reply
        assert reply is not None and reply.content == "Message from tool 2"
        tool1, tool2, tool3 = sorted(steps.steps, key=lambda step: step["name"])
        assert (tool2["parent_id"], tool3["parent_id"]) == (tool1["id"], tool2["id"])
        assert tool3["output"] == "Response from tool 3"
