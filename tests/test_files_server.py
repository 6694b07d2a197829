"""Files and elements on a real daphne: uploads over HTTP with the login and CSRF cookies,
messages over a real WebSocket, files served by the file view; Chainlit's documented
element and AskFileMessage examples, unchanged but for the import."""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request

import pytest

from chatsessions.testing import ChatClient, ChatError, UploadRefused
from chatsessions.wire.frames import ErrorCode
from tests.chat_apps.files_app import png_bytes
from tests.servers import login, sqlite_worker

PASSWORD = "files-test-password"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    worker = sqlite_worker(tmp_path_factory.mktemp("files"), PASSWORD)
    yield worker
    worker.stop()


@pytest.fixture(scope="module")
def alice(server):
    return login(server.base, "alice", PASSWORD)


@pytest.fixture(scope="module")
def bob(server):
    return login(server.base, "bob", PASSWORD)


def chat(server, cookie, app: str, **options) -> ChatClient:
    return ChatClient(app, server=server.base, cookie=cookie, timeout=15, **options)


def fetch(server, url: str, cookie: str | None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(server.base + url, headers={"Cookie": cookie} if cookie else {})
    opener = urllib.request.build_opener(NoRedirects)
    try:
        with opener.open(request) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


async def test_ask_file_message_example(server, alice):
    async with chat(server, alice, "cl-ask-file") as conversation:
        assert conversation.asked["kind"] == "file"
        assert conversation.asked["files"]["accept"] == ["text/plain"]
        text = "Hello from a text file.\n"
        reply = await conversation.send(files=[("hello.txt", text.encode())])
        assert reply.content == f"`hello.txt` uploaded, it contains {len(text)} characters!"


async def test_text_element_example(server, alice):
    async with chat(server, alice, "cl-text-element") as conversation:
        (element,) = conversation.history[-1].elements
        assert (element["type"], element["name"]) == ("text", "simple_text")
        assert fetch(server, element["url"], alice)[2] == b"Hello, this is a text element."


@pytest.mark.parametrize(
    ("app", "kind", "mime"),
    [("cl-pyplot", "image", "image/png"), ("cl-plotly", "plotly", "application/json")],
)
async def test_chart_element_examples(server, alice, app, kind, mime):
    async with chat(server, alice, app) as conversation:
        (element,) = conversation.history[-1].elements
        assert (element["type"], element["mime"]) == (kind, mime)
        status, _, body = fetch(server, element["url"], alice)
        assert status == 200 and (body.startswith(b"\x89PNG") if kind == "image" else b'"bar"' in body)


async def test_message_elements_example(server, alice):
    async with chat(server, alice, "cl-message-elements") as conversation:
        reply = await conversation.send("two files", files=[("dot.png", png_bytes()), ("notes.txt", b"hi")])
        assert reply.content == "Received 1 image(s)"


async def test_files_are_served_to_their_owner_only(server, alice, bob):
    png = png_bytes()
    async with chat(server, alice, "files") as conversation:
        reply = await conversation.send("look", files=[("dot.png", png)])
        assert reply.content.startswith(
            f"look: dot.png image/png {len(png)} {hashlib.sha256(png).hexdigest()[:12]}"
        )
        url = conversation.history[-2].elements[0]["url"]
    status, headers, body = fetch(server, url, alice)
    assert (status, headers["Content-Type"], body) == (200, "image/png", png)
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert fetch(server, url, bob)[0] == 404
    status, headers, _ = fetch(server, url, None)
    assert status == 302 and headers["Location"].startswith("/accounts/login/")


async def test_an_upload_without_the_csrf_token_is_refused(server, alice):
    async with chat(server, alice, "files") as conversation:
        url = f"{server.base}/chat/api/files/chats/{conversation.session_id}/files/"
        request = urllib.request.Request(url, data=b"", method="POST", headers={"Cookie": alice})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request)
        assert refused.value.code == 403


async def test_wrong_files_get_clear_errors(server, alice, bob):
    async with chat(server, alice, "files") as conversation:
        with pytest.raises(UploadRefused) as refused:
            await conversation.upload(("photo.png", b"%PDF-1.4 pretending"))
        assert (refused.value.status, refused.value.code) == (415, "wrong_type")
        async with chat(server, bob, "files") as other:
            [bobs] = await other.upload(("b.txt", b"bob's"))
        await conversation.send_frame({"type": "message", "content": "steal", "files": [bobs["id"]]})
        assert (await conversation.expect("error"))["code"] == ErrorCode.UNKNOWN_FILE
        await conversation.send("ask")
        with pytest.raises(ChatError) as wrong:
            await conversation.send(files=[("dot.png", png_bytes())])
        assert wrong.value.code == ErrorCode.FILE_REFUSED


async def test_files_survive_a_resume_on_a_new_socket(server, alice):
    async with chat(server, alice, "files") as conversation:
        await conversation.send("look", files=[("table.csv", b"a\n1\n")])
        await conversation.send("elements")
        session = await conversation.reconnect()
    shown = [frame for frame in session["history"] if frame.get("elements")]
    assert [len(frame["elements"]) for frame in shown] == [1, 7]
    for element in shown[1]["elements"][:-1]:  # the last is shown from its URL elsewhere
        assert fetch(server, element["url"], alice)[0] == 200
