"""Fixtures shared by the tests: users, sockets, and a clean slate of live chats."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model

from chatsessions.live.chat import live_chats
from chatsessions.testing import ChatClient
from tests.servers import demo_server as start_demo_server


def require(available: bool, reason: str) -> None:
    """Skips a test whose service is missing, except in CI, where that is a failure."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI must run this test, but: {reason}")
    pytest.skip(reason)


async def eventually(check: Callable[[], Any], seconds: float = 5) -> None:
    """Retries an async check until it stops raising AssertionError: for what the chats
    write behind (WRITE_DELAY_SECONDS), read from the database as any reader would."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        try:
            await check()
            return
        except AssertionError:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.02)


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The demo as the README runs it, on a free loopback port, for the whole test run."""
    server = start_demo_server(tmp_path_factory.mktemp("demo"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def own_demo_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A demo server for one test module alone, so that its users' chats start empty."""
    server = start_demo_server(tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1]))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def test_apps_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A demo server for one test module, serving the test apps too (tests/chat_apps)."""
    folder = tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])
    server = start_demo_server(folder, settings="tests.scale_settings")
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _forget_live_chats() -> Any:
    yield
    live_chats.clear()


@pytest.fixture
def make_user(transactional_db: None) -> Callable[..., Any]:
    async def make(username: str, **fields: Any) -> Any:
        return await sync_to_async(get_user_model().objects.create_user)(username, password="pw", **fields)

    return make


@pytest.fixture
async def alice(make_user: Callable[..., Any]) -> Any:
    return await make_user("alice")


@pytest.fixture
async def bob(make_user: Callable[..., Any]) -> Any:
    return await make_user("bob")


@pytest.fixture
async def sockets() -> AsyncIterator[Callable[..., Any]]:
    """Opens sockets of test clients (not started), and closes what a test left open."""
    opened: list[ChatClient] = []

    async def open_socket(user: Any, path: str = "/ws/chat/probe/") -> ChatClient:
        parts = path.strip("/").split("/")
        client = ChatClient(parts[2] if len(parts) > 2 else "default", user, start=False)
        await client.connect()
        opened.append(client)
        return client

    yield open_socket
    for client in opened:
        await client.close()


@pytest.fixture(scope="module")
def browser() -> Any:
    """Headless Chromium for a module of browser tests (see tests.browsing.chromium)."""
    from tests.browsing import chromium

    with chromium() as browser:
        yield browser


@pytest.fixture(autouse=True)
def no_browser_errors(request: pytest.FixtureRequest) -> Any:
    """Fails a browser test whose pages broke their Content-Security-Policy or threw."""
    yield
    if "browser" in request.fixturenames:
        assert request.getfixturevalue("browser").take_errors() == []
