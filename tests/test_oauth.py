"""@cl.oauth_callback through django-allauth, on a real server (tests/oauth_settings.py)
against the tests' own OAuth provider on loopback (tests/oauth_provider.py): the whole
authorization code dance, then a chat that sees the cl.User the callback returned. A
refusal, a failing callback, a staff user named and a forged state log nobody in."""

from __future__ import annotations

import re
import urllib.parse
from typing import Any

import pytest
import requests

from chatsessions.testing import ChatClient
from tests.oauth_provider import FakeProvider
from tests.servers import demo_server

SOCKET = "/ws/chat/oauth/"


@pytest.fixture(scope="module")
def provider() -> Any:
    with FakeProvider() as started:
        yield started


@pytest.fixture(scope="module")
def server(provider: FakeProvider, tmp_path_factory: pytest.TempPathFactory) -> Any:
    started = demo_server(
        tmp_path_factory.mktemp("oauth"), settings="tests.oauth_settings", OAUTH_PROVIDER_URL=provider.base
    )
    yield started
    started.stop()


def start_login(server: Any) -> tuple[requests.Session, str]:
    """Asks allauth to log in with the provider, as its login button does (a POST); returns
    the browser and where allauth sends it: the provider's authorization endpoint."""
    browser = requests.Session()
    page = browser.get(f"{server.base}/oauth/oidc/fake/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, page.text
    sent = browser.post(
        page.url,
        {"csrfmiddlewaretoken": token[1]},
        headers={"Referer": page.url},
        allow_redirects=False,
        timeout=10,
    )
    assert sent.status_code == 302, sent.text
    return browser, sent.headers["Location"]


def log_in(server: Any, provider: FakeProvider, claims: dict[str, Any]) -> tuple[requests.Session, Any]:
    """The whole dance for whoever claims says is signed in at the provider; returns the
    browser and allauth's last answer."""
    provider.signed_in = claims
    browser, authorize = start_login(server)
    assert authorize.startswith(provider.base + "/authorize?")
    return browser, browser.get(authorize, timeout=10)  # provider -> callback -> the chat


def cookie_of(browser: requests.Session) -> str:
    return "; ".join(f"{name}={value}" for name, value in browser.cookies.items())


def chat_page_answers(server: Any, browser: requests.Session) -> int:
    return browser.get(f"{server.base}/chat/oauth/", allow_redirects=False, timeout=10).status_code


def test_the_callbacks_user_logs_in_and_chats(server, provider):
    browser, landed = log_in(server, provider, {"sub": "1", "email": "ann@example.com", "name": "Ann"})
    assert landed.status_code == 200 and landed.url == f"{server.base}/chat/oauth/"
    with ChatClient(
        "tests.chat_apps.oauth_app", server=server.base, cookie=cookie_of(browser), path=SOCKET
    ) as chat:
        assert chat.history[0].content == "Hello Ann (ann@example.com, staff-writer)"
    # Next time the same Django user, found by the provider's account.
    browser, landed = log_in(server, provider, {"sub": "1", "email": "ann@example.com", "name": "Ann"})
    with ChatClient(
        "tests.chat_apps.oauth_app", server=server.base, cookie=cookie_of(browser), path=SOCKET
    ) as chat:
        assert chat.history[0].content == "Hello Ann (ann@example.com, staff-writer)"


@pytest.mark.parametrize(
    ("claims", "logged"),
    [
        ({"sub": "2", "email": "eve@elsewhere.org"}, "refused by the oauth_callbacks"),
        ({"sub": "3", "email": "boom@example.com"}, "oauth_callback of tests.chat_apps.oauth_app failed"),
        # The demo's superuser is "admin": a callback never logs in a staff user.
        (
            {"sub": "4", "preferred_username": "admin", "email": "admin@example.com"},
            "a staff user of this site",
        ),
    ],
)
def test_a_refusal_logs_nobody_in(server, provider, claims, logged):
    browser, landed = log_in(server, provider, claims)
    assert landed.status_code == 403
    assert chat_page_answers(server, browser) == 302  # to the login page
    assert logged in server.log_path.read_text()


def test_a_forged_state_is_refused_before_the_callback(server, provider):
    provider.signed_in = {"sub": "5", "email": "mallory@example.com"}
    browser, authorize = start_login(server)
    back = requests.get(authorize, allow_redirects=False, timeout=10).headers["Location"]
    parts = urllib.parse.urlsplit(back)
    query = dict(urllib.parse.parse_qsl(parts.query))
    query["state"] = "forged"
    answer = browser.get(parts._replace(query=urllib.parse.urlencode(query)).geturl(), timeout=10)
    assert "Third-Party Login Failure" in answer.text
    assert chat_page_answers(server, browser) == 302
    assert "mallory" not in server.log_path.read_text()


def test_an_oauth_callback_without_the_adapter_is_flagged(settings):
    from chatsessions.checks import check_settings

    settings.CHATSESSIONS = {**settings.CHATSESSIONS, "APPS": {"oauth": "tests.chat_apps.oauth_app"}}
    (warning,) = [message for message in check_settings() if message.id == "chatsessions.W011"]
    assert "tests.chat_apps.oauth_app declare an oauth_callback, which never runs" in warning.msg
    settings.SOCIALACCOUNT_ADAPTER = "chatsessions.allauth.OAuthCallbackAdapter"
    assert "chatsessions.W011" not in {message.id for message in check_settings()}


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"error": "access_denied"},
        {"code": "made-up", "state": "made-up"},
        {"code": "\x00" * 10, "state": "é" * 500},
        {"code": ["a", "b"], "state": ["c", "d"]},
    ],
)
def test_a_junk_callback_logs_nobody_in(server, provider, query):
    browser, _ = start_login(server)  # a real login under way: its state is in the session
    answer = browser.get(f"{server.base}/oauth/oidc/fake/login/callback/", params=query, timeout=10)
    assert answer.status_code == 401 and "Third-Party Login Failure" in answer.text
    assert chat_page_answers(server, browser) == 302
