"""A small OAuth 2.0 provider of the tests' own, on loopback, speaking the real protocol
(OpenID Connect discovery, the authorization code grant with PKCE, a bearer userinfo
endpoint), for @cl.oauth_callback through django-allauth (tests/test_oauth.py).

Its authorization endpoint consents at once for whoever the test says is signed in at
the provider (`provider.signed_in = {...}`), and redirects back with a code; the token
endpoint takes that code once, from the client it was issued to, with the PKCE verifier.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.servers import LoopbackHTTP

CLIENT_ID = "chat-client"
CLIENT_SECRET = "chat-secret"


class FakeProvider(LoopbackHTTP):
    """The provider, served from a thread of the test process."""

    def __init__(self) -> None:
        self.signed_in: dict[str, Any] = {"sub": "1", "email": "ann@example.com", "name": "Ann"}
        #: code -> (the claims it was issued for, redirect_uri, PKCE challenge)
        self.codes: dict[str, tuple[dict[str, Any], str, str | None]] = {}
        self.tokens: dict[str, dict[str, Any]] = {}
        super().__init__(_handler(self))

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.base,
            "authorization_endpoint": f"{self.base}/authorize",
            "token_endpoint": f"{self.base}/token",
            "userinfo_endpoint": f"{self.base}/userinfo",
            "jwks_uri": f"{self.base}/jwks",
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
        }


def _handler(provider: FakeProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _json(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {key: values[0] for key, values in parse_qs(url.query).items()}
            if url.path == "/.well-known/openid-configuration":
                self._json(200, provider.discovery())
            elif url.path == "/jwks":
                self._json(200, {"keys": []})
            elif url.path == "/authorize":
                self._authorize(query)
            elif url.path == "/userinfo":
                bearer = self.headers.get("Authorization", "").removeprefix("Bearer ")
                claims = provider.tokens.get(bearer)
                self._json(200, claims) if claims else self._json(401, {"error": "invalid_token"})
            else:
                self._json(404, {"error": "not_found"})

        def _authorize(self, query: dict[str, str]) -> None:
            if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
                self._json(400, {"error": "invalid_request"})
                return
            code = secrets.token_urlsafe(16)
            provider.codes[code] = (
                dict(provider.signed_in),
                query["redirect_uri"],
                query.get("code_challenge"),
            )
            back = {"code": code, "state": query.get("state", "")}
            self.send_response(302)
            self.send_header("Location", f"{query['redirect_uri']}?{urlencode(back)}")
            self.end_headers()

        def do_POST(self) -> None:
            if urlsplit(self.path).path != "/token":
                self._json(404, {"error": "not_found"})
                return
            length = int(self.headers.get("Content-Length", "0"))
            form = {key: values[0] for key, values in parse_qs(self.rfile.read(length).decode()).items()}
            issued = provider.codes.pop(form.get("code", ""), None)
            if (
                issued is None
                or form.get("client_id") != CLIENT_ID
                or form.get("client_secret") != CLIENT_SECRET
                or form.get("redirect_uri") != issued[1]
                or not _verifier_matches(form.get("code_verifier"), issued[2])
            ):
                self._json(400, {"error": "invalid_grant"})
                return
            token = secrets.token_urlsafe(24)
            provider.tokens[token] = issued[0]
            self._json(200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600})

    return Handler


def _verifier_matches(verifier: str | None, challenge: str | None) -> bool:
    if challenge is None:
        return verifier is None
    if verifier is None:
        return False
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == challenge
