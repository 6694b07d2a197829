"""The chat socket's Origin, compared as Django's CSRF check compares a form's: scheme,
host and port (see also tests/test_server_limits.py, through real servers)."""

from __future__ import annotations

import pytest
from django.test import override_settings

from chatsessions.live.origins import refused_origin


def scope(origin: str | None, host: str = "chat.example.com", scheme: str = "ws", **headers: str) -> dict:
    sent = [(b"host", host.encode())] + [
        (k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()
    ]
    if origin is not None:
        sent.append((b"origin", origin.encode()))
    return {"type": "websocket", "scheme": scheme, "headers": sent}


@pytest.mark.parametrize(
    ("origin", "host", "scheme", "refused"),
    [
        ("http://chat.example.com", "chat.example.com", "ws", False),
        ("https://chat.example.com", "chat.example.com", "wss", False),
        ("http://chat.example.com:8000", "chat.example.com:8000", "ws", False),
        ("http://chat.example.com:1", "chat.example.com:8000", "ws", True),  # another app, same host
        ("https://chat.example.com", "chat.example.com", "ws", True),  # another scheme
        ("http://evil.example", "chat.example.com", "ws", True),
        ("null", "chat.example.com", "ws", True),
        (None, "chat.example.com", "ws", False),  # no browser: no page lends it a cookie
    ],
)
def test_the_origin_must_be_the_requests_own(origin, host, scheme, refused):
    assert refused_origin(scope(origin, host, scheme)) is refused


@override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_behind_a_tls_proxy_the_forwarded_scheme_counts():
    assert not refused_origin(scope("https://chat.example.com", x_forwarded_proto="https"))
    assert refused_origin(scope("https://chat.example.com", x_forwarded_proto="http"))


@override_settings(CSRF_TRUSTED_ORIGINS=["https://app.example.org", "https://*.example.net"])
def test_trusted_origins_count_wildcards_included():
    assert not refused_origin(scope("https://app.example.org"))
    assert not refused_origin(scope("https://chat.example.net"))
    assert refused_origin(scope("http://chat.example.net"))  # the scheme counts
    assert refused_origin(scope("https://example.net.evil.example"))
