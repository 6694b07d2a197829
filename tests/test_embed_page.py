"""The copilot on another site, in headless Chromium: a host page on another loopback
origin embeds the demo's chat with the handler API's snippets (its page and its backend's
/chat-token/, run word for word), and the user chats with no cookie of the chat's site.
The chat is at http://localhost:P, the host at http://127.0.0.1:H: another site, so the
frame gets no cookie of the chat's. A site not in EMBED_ORIGINS, and a forged token, get
a clear error in the widget; a socket's key is checked as the browser sends it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from types import SimpleNamespace
from typing import Any

import pytest
from playwright.sync_api import expect
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.documented import block
from tests.servers import ROOT, LoopbackHTTP, demo_server

pytestmark = pytest.mark.usefixtures("browser")

EMBED_KEY = "the-tests-embed-key-which-is-long-enough"
#: A 1x1 PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)
DOCS = "docs/handler-api.md"


class HostSite(LoopbackHTTP):
    """Another site, on a loopback port of its own: its page (the docs' embed-page block,
    with a product and a function the chat may call) and its backend's /chat-token/ (the
    docs' embed-backend block, for its user "ann")."""

    def __init__(self) -> None:
        super().__init__(self._handler())
        self.chat_site = ""
        self.token_attribute = 'token-url="/chat-token/"'

    def serve(self, chat_site: str) -> None:
        self.chat_site = chat_site
        namespace: dict[str, Any] = {}
        code = block("embed-backend", DOCS, "python")
        code = code.replace("https://chat.example.com", chat_site).replace(
            "https://www.example.com", self.base
        )
        exec(code, namespace)
        self.chat_token = namespace["chat_token"]
        self.start()

    def page(self) -> str:
        snippet = block("embed-page", DOCS, "html").replace("https://chat.example.com", self.chat_site)
        snippet = snippet.replace('token-url="/chat-token/"', self.token_attribute)
        return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head>
<body><h1 class="product-name">Blue kettle</h1><ul class="window-messages"></ul>
{snippet}
<script>
  customElements.whenDefined("chat-widget").then(() => {{
    const widget = document.querySelector("chat-widget");
    widget.registerFunction("highlight", ({{ text }}) => `highlighted the kettle for "${{text}}"`);
  }});
  addEventListener("message", (event) => {{
    if (event.origin !== "{self.chat_site}" || typeof event.data !== "string") return;
    const item = document.createElement("li");
    item.textContent = event.data;
    document.querySelector(".window-messages").append(item);
  }});
</script></body></html>"""

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                if self.path == "/chat-token/":
                    from django.test import RequestFactory

                    request = RequestFactory().get("/chat-token/")
                    request.user = SimpleNamespace(is_authenticated=True, get_username=lambda: "ann")  # type: ignore[assignment]
                    answer = site.chat_token(request)
                    self.reply(answer.status_code, "application/json", answer.content)
                elif self.path == "/":
                    self.reply(200, "text/html; charset=utf-8", site.page().encode())
                else:
                    self.reply(404, "text/plain", b"no such page")

            def reply(self, status: int, kind: str, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    """The chat's site (the demo, on localhost), an allowed host and one not allowed."""
    allowed, refused = HostSite(), HostSite()
    before = os.environ.get("CHATSESSIONS_EMBED_KEY")
    os.environ["CHATSESSIONS_EMBED_KEY"] = EMBED_KEY  # the host backend's, as the block reads it
    chat = demo_server(
        tmp_path_factory.mktemp("embed"),
        CHATSESSIONS_EMBED_ORIGINS=allowed.base,
        CHATSESSIONS_EMBED_KEY=EMBED_KEY,
    )
    chat_site = chat.base.replace("127.0.0.1", "localhost")
    allowed.serve(chat_site)
    refused.serve(chat_site)
    yield SimpleNamespace(chat=chat, chat_site=chat_site, allowed=allowed, refused=refused)
    allowed.stop()
    refused.stop()
    chat.stop()
    if before is None:
        os.environ.pop("CHATSESSIONS_EMBED_KEY", None)
    else:
        os.environ["CHATSESSIONS_EMBED_KEY"] = before


@pytest.fixture
def host_page(browser: Any) -> Iterator[Any]:
    contexts = []

    def open_page(site: HostSite, token_attribute: str = 'token-url="/chat-token/"') -> Any:
        """The host site's page, with its widget opened; token_attribute in place of the
        snippet's token-url while it loads."""
        context = browser.new_context(viewport={"width": 1100, "height": 800})
        contexts.append(context)
        page = context.new_page()
        site.token_attribute = token_attribute
        try:
            page.goto(site.base + "/")
        finally:
            site.token_attribute = 'token-url="/chat-token/"'
        page.locator("chat-widget").locator("#chat-widget-button").click()
        return page

    yield open_page
    for context in contexts:
        context.close()


def say_in(chat: Any, text: str) -> None:
    chat.locator(".cs-input").fill(text)
    chat.locator(".cs-input").press("Enter")


def replies(chat: Any) -> Any:
    return chat.locator(".cs-message.cs-assistant .cs-content")


def test_another_site_embeds_the_chat_which_logs_in_with_a_token(sites, host_page, tmp_path):
    """SCREENSHOTS=docs saves the embedded chat's picture under docs/, else in a temp dir."""
    page = host_page(sites.allowed)
    chat = page.frame_locator("chat-widget iframe")
    expect(chat.locator(".cs-status")).to_have_attribute("data-state", "connected")
    # The object attribute reached on_chat_start, as the template tag's does.
    expect(replies(chat).first).to_contain_text("You are looking at the Blue kettle.")
    # A CopilotFunction calls the host page's registered function, across the origins.
    say_in(chat, "highlight it")
    expect(replies(chat).last).to_have_text('Done: highlighted the kettle for "highlight it".')
    # Window messages go each way, each checked against the other's origin.
    say_in(chat, "hello")
    expect(page.locator(".window-messages li")).to_have_text(["The chat heard: hello"])
    page.evaluate("document.querySelector('chat-widget').postToChat('from the shop')")
    expect(replies(chat).last).to_have_text("The page posted: from the shop")
    # The history endpoint answers the frame's key: the chat list holds this chat.
    expect(chat.locator(".cs-chat-list [data-id]")).to_have_count(1)
    # Files too: an upload with the key, and the picture shown from a blob URL fetched
    # with it (no cookie would reach the file view).
    chat.locator(".cs-file-input").set_input_files(
        {"name": "dot.png", "mimeType": "image/png", "buffer": PNG}
    )
    expect(chat.locator(".cs-attachment")).to_have_attribute("data-state", "done")
    say_in(chat, "a picture")
    picture = chat.locator(".cs-message.cs-user img").last
    expect(picture).to_have_attribute("src", re.compile(r"^blob:"))
    assert picture.evaluate("image => image.complete && image.naturalWidth") == 1
    folder = ROOT / "docs" if os.environ.get("SCREENSHOTS") == "docs" else tmp_path
    page.screenshot(path=str(folder / "copilot-embedded.png"))
    # No cookie of the chat's site was set in the host's tab, and none was needed.
    assert not [c for c in page.context.cookies() if "localhost" in c["domain"] and c["name"] == "sessionid"]
    assert "embed token" not in sites.chat.output()  # nothing was refused


def test_a_site_not_in_embed_origins_gets_a_clear_error(sites, host_page, browser):
    page = host_page(sites.refused)
    error = page.locator("chat-widget").locator(".error")
    expect(error).to_contain_text(f"{sites.refused.base} may not embed the chat: add it to")
    expect(page.frame_locator("chat-widget iframe").locator(".cs-app")).to_have_count(0)
    assert f"refused an embed token for {sites.refused.base}" in sites.chat.output()
    # The browser itself would not frame the chat there: frame-ancestors lists the allowed.
    violations = browser.take_errors()
    assert len(violations) == 1 and f"frame-ancestors 'self' {sites.allowed.base}" in violations[0]


def test_a_frame_the_browser_will_not_show_is_told_in_the_widget(sites, host_page, browser):
    # A site not allowed, with a token of its own (not from the chat's site): the chat's
    # page never loads in its frame (frame-ancestors), and the widget says so in time.
    page = host_page(sites.refused, 'token="whatever" load-seconds="2"')
    error = page.locator("chat-widget").locator(".error")
    said = f"{sites.chat_site} may not allow {sites.refused.base} to embed it (its EMBED_ORIGINS)."
    expect(error).to_have_text(f"The chat did not load: {said}")
    assert len(browser.take_errors()) == 1  # the browser's frame-ancestors refusal


def test_a_forged_token_is_refused_in_the_widget(sites, host_page):
    page = host_page(sites.allowed, 'token="eyJ1IjoiMSJ9.forged.token"')
    error = page.locator("chat-widget").locator(".error")
    expect(error).to_contain_text("The chat cannot log you in: the embed token is not valid (forged")
    chat = page.frame_locator("chat-widget iframe")
    expect(chat.locator(".cs-status")).to_have_text("Not logged in")
    expect(chat.locator(".cs-message")).to_have_count(0)


def test_a_key_that_no_longer_holds_is_renewed_from_the_host(sites, host_page):
    page = host_page(sites.allowed)
    chat = page.frame_locator("chat-widget iframe")
    say_in(chat, "before the restart")
    expect(replies(chat).last).to_have_text("You said “before the restart”. I told the page too.")
    # While the chat's server is down, ann's password changes there: the frame's key (and
    # any token made before) no longer logs her in. Back up, the frame's reconnect is
    # refused (4401); it asks the widget for a new token, logs in again and resumes.
    sites.chat.stop()
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", CHANGE_PASSWORD],
        cwd=ROOT,
        env=sites.chat.env,
        check=True,
        capture_output=True,
    )
    sites.chat.start()
    expect(chat.locator(".cs-status")).to_have_text("Connected (resumed)", timeout=30_000)
    say_in(chat, "after the restart")
    expect(replies(chat).last).to_have_text("You said “after the restart”. I told the page too.")
    assert (
        "refused an embedded chat's socket: the embed login's user may not log in now" in sites.chat.output()
    )


CHANGE_PASSWORD = (
    "from django.contrib.auth import get_user_model; ann = get_user_model().objects.get(username='ann');"
    " ann.set_password('changed on the chat site'); ann.save()"
)


def _key_of(sites: SimpleNamespace) -> str:
    """A frame key, as the frame gets one: a token from the host's backend, traded."""
    import urllib.request

    with urllib.request.urlopen(sites.allowed.base + "/chat-token/") as answer:
        token = json.load(answer)["token"]
    traded = urllib.request.Request(
        sites.chat.base + "/chat/embed/login/",
        data=json.dumps({"token": token, "origin": sites.allowed.base}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(traded) as answer:
        return str(json.load(answer)["key"])


def _frames(text: Any) -> list[dict[str, Any]]:
    sent = json.loads(text)
    return sent if isinstance(sent, list) else [sent]


def test_a_sockets_key_logs_it_in_and_a_forged_one_is_refused(sites):
    url = sites.chat.base.replace("http", "ws") + "/ws/chat/copilot/"
    key = _key_of(sites)
    with connect(url, subprotocols=["chatsessions", f"chatsessions.key.{key}"]) as socket:
        assert socket.subprotocol == "chatsessions"
        socket.send(json.dumps({"type": "start", "client": "copilot"}))
        session = _frames(socket.recv(timeout=10))[0]
        assert session["type"] == "session" and session["user"] == "ann"
    forged = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    with connect(url, subprotocols=["chatsessions", f"chatsessions.key.{forged}"]) as socket:
        refusal = _frames(socket.recv(timeout=10))[0]
        assert refusal["code"] == "not_logged_in"
        assert re.search(r"not valid \(forged", refusal["detail"])
        with pytest.raises(ConnectionClosed) as closed:
            socket.recv(timeout=10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
