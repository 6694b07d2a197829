"""Embed tokens and frame keys (accounts/embed.py) and their endpoints, in process with
Django's test client: who gets a token, what a forged, expired, other-origin or other-kind
token gets, the embedded chat page's framing, the history and file endpoints taking a
frame key in place of a cookie, and the handler API's embed-settings block. The browser
side, on a real server and another origin, is tests/test_embed_page.py."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.test import Client

from chatsessions.accounts.embed import (
    EmbedRefused,
    embed_token,
    frame_key,
    key_in_subprotocols,
    login_of_key,
    login_of_token,
    normalized_origin,
)
from chatsessions.checks import check_settings
from chatsessions.embed import embed_token as public_embed_token
from chatsessions.models import ChatFile, ChatSession, UserMetadata
from tests.documented import block

SHOP = "https://shop.example.com"
KEY = "k" * 40

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def embedding(settings: Any) -> None:
    settings.CHATSESSIONS = {**settings.CHATSESSIONS, "EMBED_ORIGINS": [SHOP], "EMBED_KEY": KEY}


@pytest.fixture
def ann() -> Any:
    return get_user_model().objects.create_user("ann", password="pw")


def ask_token(client: Client, body: Any, key: str = KEY) -> Any:
    return client.post(
        "/chat/embed/token/",
        json.dumps(body) if not isinstance(body, bytes) else body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )


def trade(client: Client, token: Any, origin: Any = SHOP) -> Any:
    return client.post(
        "/chat/embed/login/", json.dumps({"token": token, "origin": origin}), content_type="application/json"
    )


def test_origins_are_compared_by_scheme_host_and_port() -> None:
    assert normalized_origin("HTTPS://Shop.Example.com:443/") == SHOP
    assert normalized_origin("http://127.0.0.1:8001") == "http://127.0.0.1:8001"
    for junk in (
        "shop.example.com",
        "ftp://x",
        "https://x/path",
        "https://u:p@x",
        "https://x:99999",
        None,
        3,
        "x" * 400,
    ):
        assert normalized_origin(junk) is None, junk
    assert public_embed_token is embed_token


def test_a_token_logs_its_user_in_for_its_origin_only(ann: Any, settings: Any) -> None:
    token = embed_token(ann, SHOP + "/")
    assert login_of_token(token, SHOP).user == ann
    with pytest.raises(EmbedRefused, match=re.escape("is for pages of https://shop.example.com, not of")):
        login_of_token(token, "https://evil.example.com")
    # Neither kind passes for the other.
    key = frame_key(login_of_token(token, SHOP))
    assert login_of_key(key).user == ann
    with pytest.raises(EmbedRefused, match="not valid"):
        login_of_key(token)
    with pytest.raises(EmbedRefused, match="not valid"):
        login_of_token(key, SHOP)
    # An origin taken out of EMBED_ORIGINS takes its tokens and keys with it.
    settings.CHATSESSIONS = {**settings.CHATSESSIONS, "EMBED_ORIGINS": []}
    with pytest.raises(EmbedRefused, match="may no longer embed"):
        login_of_key(key)


def test_who_gets_no_token(ann: Any) -> None:
    with pytest.raises(ValueError, match="not in CHATSESSIONS\\['EMBED_ORIGINS'\\]"):
        embed_token(ann, "https://evil.example.com")
    with pytest.raises(ValueError, match="not an origin"):
        embed_token(ann, "javascript:alert(1)")
    staff = get_user_model().objects.create_user("boss", password="pw", is_staff=True)
    with pytest.raises(ValueError, match="staff"):
        embed_token(staff, SHOP)
    ann.is_active = False
    with pytest.raises(ValueError, match="active"):
        embed_token(ann, SHOP)


def test_expired_forged_and_voided_tokens_log_nobody_in(ann: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    token = embed_token(ann, SHOP)
    later = time.time() + 301  # EMBED_TOKEN_SECONDS is 300
    monkeypatch.setattr(time, "time", lambda: later)  # what the signer reads
    with pytest.raises(EmbedRefused, match="has expired"):
        login_of_token(token, SHOP)
    monkeypatch.undo()
    payload, stamp, signature = token.split(".")
    other = signing.TimestampSigner(key="another site's secret", salt="chatsessions.embed.token", sep=".")
    forgeries = [
        f"{payload}.{stamp}.{signature[::-1]}",
        other.sign_object({"u": str(ann.pk), "o": SHOP, "h": ann.get_session_auth_hash()}),
        "",
        "...",
        "x" * 2000,
        None,
        ["a list"],
    ]
    for forged in forgeries:
        with pytest.raises(EmbedRefused):
            login_of_token(forged, SHOP)
    ann.set_password("changed")
    ann.save()
    with pytest.raises(EmbedRefused, match="may not log in now"):
        login_of_token(token, SHOP)


def test_the_token_endpoint_gives_tokens_to_the_key_holder_only(client: Client, settings: Any) -> None:
    answer = ask_token(
        client, {"user": "shop:ann", "origin": SHOP, "display_name": "Ann", "metadata": {"tier": "gold"}}
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["expires_in"] == 300
    made = get_user_model().objects.get(username="shop:ann")
    assert not made.has_usable_password()
    assert UserMetadata.objects.get(user=made).metadata == {"tier": "gold"}
    assert login_of_token(answer.json()["token"], SHOP).user == made
    refusals = [
        (ask_token(client, {"user": "ann", "origin": SHOP}, key="wrong"), 401, "EMBED_KEY"),
        (ask_token(client, {"user": "ann", "origin": SHOP}, key=""), 401, "EMBED_KEY"),
        (
            ask_token(client, {"user": "ann", "origin": "https://evil.example.com"}),
            403,
            "may not embed the chat",
        ),
        (ask_token(client, {"user": "ann", "origin": "not an origin"}), 400, "origin"),
        (ask_token(client, {"user": "", "origin": SHOP}), 400, "user"),
        (ask_token(client, {"user": ["ann"], "origin": SHOP}), 400, "user"),
        (ask_token(client, {"user": "ann", "origin": SHOP, "metadata": [1]}), 400, "metadata"),
        (ask_token(client, b"\xff not json"), 400, "JSON object"),
        (ask_token(client, [1, 2]), 400, "JSON object"),
        (client.get("/chat/embed/token/"), 405, "POST"),
    ]
    get_user_model().objects.create_user("admin", password="pw", is_superuser=True, is_staff=True)
    refusals.append((ask_token(client, {"user": "admin", "origin": SHOP}), 403, "may not be logged in"))
    for answer, status, said in refusals:
        assert answer.status_code == status, (answer.content, status)
        assert said in answer.json()["detail"]
    settings.CHATSESSIONS = {**settings.CHATSESSIONS, "EMBED_KEY": None}
    answer = ask_token(client, {"user": "ann", "origin": SHOP})
    assert answer.status_code == 404 and "EMBED_KEY is not set" in answer.json()["detail"]


def test_the_frame_trades_a_token_for_its_key(client: Client, ann: Any) -> None:
    answer = trade(client, embed_token(ann, SHOP))
    assert answer.status_code == 200 and answer.json()["user"] == "ann"
    assert login_of_key(answer.json()["key"]).user == ann
    assert "sessionid" not in answer.cookies  # no cookie: the key is the login
    for token, origin, status, said in [
        ("forged.token.here", SHOP, 401, "not valid"),
        (embed_token(ann, SHOP), "https://evil.example.com", 403, "may not embed"),
        (None, SHOP, 401, "missing"),
    ]:
        answer = trade(client, token, origin)
        assert answer.status_code == status and said in answer.json()["detail"]


def test_the_embedded_page_is_framed_by_embed_origins_alone(client: Client) -> None:
    answer = client.get("/chat/copilot/?client=copilot&embed=1")
    assert answer.status_code == 200  # no login: it logs in with its host's token
    policy = answer["Content-Security-Policy"]
    assert policy.endswith(f"frame-ancestors 'self' {SHOP}") and policy.count("frame-ancestors") == 1
    assert "X-Frame-Options" not in answer
    assert b'data-embed-login-url="/chat/embed/login/"' in answer.content
    # The page with a cookie login keeps 'self' alone, and asks a stranger to log in.
    assert client.get("/chat/copilot/?client=copilot").status_code == 302


def test_the_endpoints_take_a_frame_key_in_place_of_a_cookie(client: Client, ann: Any) -> None:
    key = trade(client, embed_token(ann, SHOP)).json()["key"]
    chat = ChatSession.objects.create(owner=ann, app="copilot", title="from the shop")
    bearer = {"Authorization": f"Bearer {key}"}
    listed = client.get("/chat/api/copilot/chats/", headers=bearer)
    assert [item["id"] for item in listed.json()["chats"]] == [str(chat.pk)]
    # A change needs no CSRF token with a key (no other site can send the header): an
    # upload of nothing is refused for having no files, not for its missing token.
    csrf_client = Client(enforce_csrf_checks=True)
    upload = csrf_client.post(f"/chat/api/copilot/chats/{chat.pk}/files/", {}, headers=bearer)
    assert upload.status_code == 400 and upload.json()["error"] == "no_files", upload.content
    csrf_client.force_login(ann)  # with a cookie login instead, the same upload needs the token
    assert csrf_client.post(f"/chat/api/copilot/chats/{chat.pk}/files/", {}).json()["error"] == "csrf_failed"
    # Another user's chat is not found; a bad key is refused, not taken as no key.
    other = get_user_model().objects.create_user("bob", password="pw")
    theirs = ChatSession.objects.create(owner=other, app="copilot")
    assert client.get(f"/chat/api/copilot/chats/{theirs.pk}/", headers=bearer).status_code == 404
    refused = client.get("/chat/api/copilot/chats/", headers={"Authorization": f"Bearer {key}x"})
    assert refused.status_code == 401 and "reload the page" in refused.json()["detail"]
    # Files: the owner's key reads them, a bad key gets JSON, no key goes to log in.
    stored = ChatFile.objects.create(
        owner=ann, session=chat, name="a.txt", mime="text/plain", size=1, storage_name="none"
    )
    assert (
        client.get(f"/chat/files/{stored.pk}/", headers={"Authorization": "Bearer junk"}).status_code == 401
    )
    assert (
        client.get(f"/chat/files/{stored.pk}/", headers=bearer).status_code == 404
    )  # its bytes are not stored
    assert client.get(f"/chat/files/{stored.pk}/").status_code == 302


def test_a_socket_offers_its_key_as_a_subprotocol() -> None:
    assert key_in_subprotocols(["chatsessions", "chatsessions.key.abc.def"]) == "abc.def"
    assert key_in_subprotocols(["chatsessions"]) is None
    assert key_in_subprotocols(None) is None


def test_the_documented_settings_pass_the_checks(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHATSESSIONS_EMBED_KEY", KEY)
    namespace: dict[str, Any] = {"CHATSESSIONS": dict(settings.CHATSESSIONS), "os": __import__("os")}
    exec(block("embed-settings", "docs/handler-api.md", "python"), namespace)
    settings.CHATSESSIONS = namespace["CHATSESSIONS"]
    assert settings.CHATSESSIONS["EMBED_ORIGINS"] == ["https://www.example.com"]
    ids = lambda: [message.id for message in check_settings() if message.id != "chatsessions.W002"]  # noqa: E731 (W002: DEBUG off here)
    assert ids() == []
    for bad, code in (
        ({"EMBED_ORIGINS": ["www.example.com"]}, "chatsessions.E010"),
        ({"EMBED_KEY": "short"}, "chatsessions.E010"),
        ({"EMBED_TOKEN_SECONDS": 0}, "chatsessions.E006"),
    ):
        settings.CHATSESSIONS = {**namespace["CHATSESSIONS"], **bad}
        assert ids() == [code], bad
