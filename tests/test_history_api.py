"""The chat history's JSON endpoints on the demo as a user runs it: daphne, real HTTP and
real WebSockets in one process, so renaming and deleting reach the live chat too.

The demo's database is shared by the whole test run, so each test finds its own chats
by a word no other test uses.
"""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.cookies import SimpleCookie
from typing import Any

import pytest

from chatsessions.testing import ChatClient, ChatError
from chatsessions.wire.frames import CloseCode, ErrorCode
from tests.conftest import eventually


class Http:
    """One logged-in user's browser, as far as the endpoints see it: the session and CSRF
    cookies, and the token header a page sends with its changes."""

    def __init__(self, server: Any, username: str | None) -> None:
        self.server = server
        self.cookie = server.login(username) if username else self._anonymous_cookie()
        cookies = SimpleCookie(self.cookie)
        self.token = cookies["csrftoken"].value if "csrftoken" in cookies else ""

    def _anonymous_cookie(self) -> str:
        """A visitor who is not logged in has a CSRF cookie from the login page."""
        with urllib.request.urlopen(self.server.base + "/accounts/login/", timeout=10) as response:
            cookie = SimpleCookie(response.headers["Set-Cookie"])
        return f"csrftoken={cookie['csrftoken'].value}"

    def api(self, path: str = "", app: str = "default") -> str:
        return f"/chat/api/{app}/chats/{path}"

    def request(self, method: str, path: str, body: Any = None, *, csrf: bool = True) -> tuple[int, Any]:
        headers = {"Cookie": self.cookie, "Accept": "application/json"}
        if csrf and self.token:
            headers["X-CSRFToken"] = self.token
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.server.base + path, data, headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
        try:
            return status, json.loads(text) if text else None
        except ValueError:
            return status, text

    def list(self, **params: str) -> dict[str, Any]:
        status, page = self.request(
            "GET", self.api() + "?" + urllib.parse.urlencode(params, errors="surrogatepass")
        )
        assert status == 200, page
        return dict(page)


def chat(server: Any, http: Http, app: str = "default") -> ChatClient:
    return ChatClient(app, server=server.base, cookie=http.cookie, start=False, timeout=10)


@pytest.fixture
def word() -> str:
    """A word only this test's chats hold."""
    return f"w{uuid.uuid4().hex[:10]}"


async def test_the_list_has_the_users_titled_chats_newest_first(demo_server, word):
    alice, bob = Http(demo_server, "alice"), Http(demo_server, "bob")
    ids = []
    for n in range(3):
        async with chat(demo_server, alice) as conversation:
            ids.append((await conversation.start())["id"])
            await conversation.send(f"{word} number {n}")
            await conversation.send("and then")
    async with chat(demo_server, alice) as untitled:  # opened, never spoken in: not listed
        await untitled.start()
    async with chat(demo_server, bob) as conversation:
        await conversation.start()
        await conversation.send(f"{word} from bob")

    page = await asyncio.to_thread(alice.list, q=word)
    assert [c["title"] for c in page["chats"]] == [f"{word} number {n}" for n in (2, 1, 0)]
    assert [c["id"] for c in page["chats"]] == ids[::-1]
    assert {c["group"] for c in page["chats"]} == {"Today"}
    assert all(c["message_count"] == 4 for c in page["chats"])
    assert page["next"] is None
    bobs = await asyncio.to_thread(bob.list, q=word)
    assert [c["title"] for c in bobs["chats"]] == [f"{word} from bob"]


async def test_the_search_finds_a_word_in_any_message(demo_server, word):
    alice = Http(demo_server, "alice")
    async with chat(demo_server, alice) as conversation:
        await conversation.start()
        await conversation.send("Plans for the weekend")
        await conversation.send(f"we could see the {word.upper()} at the zoo")

    async def found() -> None:  # the messages are written behind the chat (WRITE_DELAY_SECONDS)
        page = await asyncio.to_thread(alice.list, q=word)
        assert [c["title"] for c in page["chats"]] == ["Plans for the weekend"]

    await eventually(found)
    for literal in ["%", "_", "\x00", "\ud800"]:  # no wildcard, no database error
        assert (await asyncio.to_thread(alice.list, q=word + literal))["chats"] == []


async def test_only_the_owner_reaches_a_chat(demo_server, word):
    alice = Http(demo_server, "alice")
    async with chat(demo_server, alice) as conversation:
        session_id = (await conversation.start())["id"]
        await conversation.send(word)
    others = {"anonymous": Http(demo_server, None), "bob": Http(demo_server, "bob")}
    others["staff"] = Http(demo_server, "admin")
    for who, http in others.items():
        expected = 401 if who == "anonymous" else 404
        for method, path, body in [
            ("GET", http.api(f"{session_id}/"), None),
            ("GET", http.api(f"{session_id}/messages/"), None),
            ("PATCH", http.api(f"{session_id}/"), {"title": "mine now"}),
            ("DELETE", http.api(f"{session_id}/"), None),
        ]:
            status, answer = await asyncio.to_thread(http.request, method, path, body)
            assert status == expected, (who, method, path, answer)
        status, page = await asyncio.to_thread(http.request, "GET", http.api(f"?q={word}"))
        assert (status, page["chats"] if status == 200 else page["error"]) == (
            (401, "not_logged_in") if who == "anonymous" else (200, [])
        )
    # The owner, under another app's URL, or an app that does not exist: 404 too.
    for app in ["assistant", "nosuchapp"]:
        status, _ = await asyncio.to_thread(alice.request, "GET", alice.api(f"{session_id}/", app))
        assert status == 404
    status, summary = await asyncio.to_thread(alice.request, "GET", alice.api(f"{session_id}/"))
    assert (status, summary["title"]) == (200, word)


async def test_changes_need_the_csrf_token(demo_server, word):
    alice = Http(demo_server, "alice")
    async with chat(demo_server, alice) as conversation:
        session_id = (await conversation.start())["id"]
        await conversation.send(word)
    path = alice.api(f"{session_id}/")
    for method, body in [("PATCH", {"title": "renamed"}), ("DELETE", None)]:
        status, refusal = await asyncio.to_thread(alice.request, method, path, body, csrf=False)
        assert (status, refusal["error"]) == (403, "csrf_failed")  # JSON, as every refusal here
    status, summary = await asyncio.to_thread(alice.request, "GET", path)
    assert (status, summary["title"]) == (200, word)


async def test_a_method_an_endpoint_does_not_take_is_refused_in_json(demo_server):
    alice = Http(demo_server, "alice")
    for path in (alice.api(), alice.api(f"{uuid.uuid4()}/messages/")):
        status, refusal = await asyncio.to_thread(alice.request, "POST", path, {})
        assert (status, refusal["error"]) == (405, "method_not_allowed")


async def test_a_rename_holds_in_the_list_and_in_the_live_chat(demo_server, word):
    alice = Http(demo_server, "alice")
    async with chat(demo_server, alice) as conversation:
        session_id = (await conversation.start())["id"]
        path = alice.api(f"{session_id}/")
        # Renamed before its first message, which then does not title it.
        status, summary = await asyncio.to_thread(
            alice.request, "PATCH", path, {"title": f"  {word}\n trip   plans "}
        )
        assert (status, summary["title"]) == (200, f"{word} trip plans")
        await conversation.send("the first message")
        await conversation.send("the second")
    page = await asyncio.to_thread(alice.list, q=word)
    assert [c["title"] for c in page["chats"]] == [f"{word} trip plans"]

    long_title = {"title": word + "x" * 300}
    status, summary = await asyncio.to_thread(alice.request, "PATCH", path, long_title)
    assert (status, len(summary["title"]), summary["title"][-1]) == (200, 200, "…")
    for bad in [{"title": "   "}, {"title": 5}, {}, [], "text"]:
        status, problem = await asyncio.to_thread(alice.request, "PATCH", path, bad)
        assert (status, problem["error"]) == (400, "invalid_parameter"), bad


async def test_deleting_a_live_chat_ends_it_and_removes_its_messages(demo_server, word):
    alice = Http(demo_server, "alice")
    async with chat(demo_server, alice) as conversation:
        session_id = (await conversation.start())["id"]
        assert (await conversation.send(word)).content == "You sent 1 message(s)!"
        status, _ = await asyncio.to_thread(alice.request, "DELETE", alice.api(f"{session_id}/"))
        assert status == 204
        assert await conversation.closed() == CloseCode.ENDED_BY_SERVER

    async def gone() -> None:
        status, _ = await asyncio.to_thread(alice.request, "GET", alice.api(f"{session_id}/messages/"))
        assert status == 404
        assert (await asyncio.to_thread(alice.list, q=word))["chats"] == []

    await eventually(gone)
    # Its id is unknown now: a resume is refused as any unknown id is (the page then
    # starts a new chat).
    async with chat(demo_server, alice) as again:
        with pytest.raises(ChatError) as refused:
            await again.start(resume=session_id)
        assert refused.value.code == ErrorCode.FORBIDDEN
    status, _ = await asyncio.to_thread(alice.request, "DELETE", alice.api(f"{session_id}/"))
    assert status == 404


async def test_a_reopened_chat_from_the_list_counts_on(demo_server, word):
    alice = Http(demo_server, "alice")
    async with chat(demo_server, alice) as conversation:
        await conversation.start()
        await conversation.send(word)
        await conversation.send("two")
        assert await conversation.end() == CloseCode.NORMAL
    (listed,) = (await asyncio.to_thread(alice.list, q=word))["chats"]
    assert listed["status"] == "ended"
    async with chat(demo_server, alice) as conversation:
        session = await conversation.start(resume=listed["id"])
        assert session["resumed"] is True and session["history_before"] is None
        assert (await conversation.send("three")).content == "You sent 3 message(s)!"
