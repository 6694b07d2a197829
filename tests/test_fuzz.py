"""Generated frames of every shape, through a real daphne: each gets its defined answer,
the chat's counter stays exact, and the server logs nothing.

Hypothesis makes each example a chat of up to 60 frames: well-formed and ill-formed
protocol frames whose fields hold any JSON (huge numbers, NaN, NUL, lone surrogates,
deep nesting), raw text that is no JSON, and binary frames. After every few frames a
sync message proves the socket alive, and at the end the probe's counter must equal the
number of messages the client saw answered.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.servers import Chat, Worker, login, sqlite_worker

PASSWORD = "fuzz-test-password"
BATCH = 8  # frames between sync points: under MAX_PENDING_MESSAGES, so none is a flood

NASTY_TEXT = ["\ud800", "a\x00b", "\udfff\ud800", "é" * 100, "{", '"', "\\u0000", "echo", ""]
text = st.text(alphabet=st.characters(exclude_categories=()), max_size=40) | st.sampled_from(NASTY_TEXT)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats()  # NaN and the infinities too
    | text
)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(text, children, max_size=4),
    max_leaves=12,
)
# The probe's settings, with any value.
settings_values = st.dictionaries(
    st.sampled_from(["style", "emoji", "temperature", "signature", "limit", "unknown"]),
    json_values,
    max_size=3,
)
# A custom element named by its id and its message's: none that the probe's chat shows.
element_refs = st.fixed_dictionaries({"id": text, "for": st.sampled_from(["m1", "m2"]) | text}) | json_values
protocol_frames = st.fixed_dictionaries(
    {
        "type": st.sampled_from(
            [
                *("message", "settings", "start", "stop", "action", "feedback", "edit", "shout", ""),
                # The probe shows no custom element: each of these is refused.
                *("element_update", "element_delete", "element_answer", "call_action"),
                # A copilot's host page: the probe takes no window message, and no call
                # of its waits on the page (unknown_call).
                *("window_message", "call_fn_result"),
            ]
        )
        | text
    },
    optional={
        "content": text | json_values,
        "id": st.sampled_from(["m1", "m2"]) | text | json_values,  # an edit may name a sent one
        "for": text | json_values,
        "value": st.sampled_from([0, 1, 2, -1, True, None, "1", 1.0]) | json_values,
        "comment": text | json_values,
        "payload": json_values,
        "values": settings_values | json_values,
        "profile": text | json_values,
        "env": st.dictionaries(text, text | json_values, max_size=3),
        "resume": text,
        "files": st.lists(st.uuids().map(str) | text | json_values, max_size=4) | json_values,
        "command": text | json_values,  # the probe offers none: every one is refused
        "modes": st.dictionaries(text, text | json_values, max_size=3) | json_values,
        "element": element_refs,
        "from_element": element_refs,
        "props": json_values,
        "name": st.sampled_from(["count", "echo"]) | text | json_values,
        "system": st.booleans() | json_values,  # a system message from a copilot's page
        "data": json_values,
        "result": json_values,
        "error": text | json_values,
        "client": st.sampled_from(["webapp", "copilot"]) | text | json_values,
        "page": st.fixed_dictionaries({}, optional={"url": text | json_values, "object": json_values})
        | json_values,
    },
)


def encode(frame: dict) -> str:
    if frame.get("type") in ("message", "edit") and isinstance(frame.get("content"), str):
        # Every message (or edit) the probe accepts is an echo: it counts, and answers at once.
        frame = {**frame, "content": "echo " + frame["content"]}
    return json.dumps(frame)


raw_frames = (
    protocol_frames.map(encode)
    | st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40)  # a socket carries UTF-8
    | st.integers(min_value=0, max_value=3000).map(lambda depth: "[" * depth + "]" * depth)
    | st.integers(min_value=0, max_value=500).map(
        lambda digits: '{"type": "settings", "values": {"limit": 1' + "0" * digits + "}}"
    )
    | st.sampled_from(['{"type": "settings", "values": {"temperature": 1e999}}', "NaN", "[" * 100_000])
    | st.binary(max_size=64)
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    # The inbound budget has tests of its own.
    worker = sqlite_worker(
        tmp_path_factory.mktemp("fuzz"),
        PASSWORD,
        CHATSESSIONS_TEST_INBOUND_BYTES=str(64 * 1024 * 1024),
        CHATSESSIONS_EMBED_ORIGINS=SHOP,
        CHATSESSIONS_EMBED_KEY=EMBED_KEY,
    )
    yield worker
    worker.stop()


@pytest.fixture(scope="module")
def cookie(server):
    return login(server.base, "alice", PASSWORD)


#: Frames sent by the examples so far; the last test checks that they were thousands.
sent = [0]


async def run_chat(server: Worker, cookie: str, frames: list) -> None:
    sent[0] += len(frames)
    async with Chat(server, cookie) as chat:
        await chat.start()
        echoes = stops = 0
        for start in range(0, len(frames) + 1, BATCH):
            for frame in frames[start : start + BATCH]:
                await chat.send_frame(frame)
            await chat.send_frame({"type": "message", "content": f"echo sync {start}"})
            while True:
                frame = await chat.receive()
                assert frame["type"] in {
                    "error",
                    "message",
                    "settings",
                    "task",
                    "feedback",
                    "update",
                    "remove",
                }, frame
                if frame["type"] == "error":
                    assert frame["code"] != "internal_error", frame
                if frame["type"] == "message" and frame["role"] == "assistant":
                    echoes += frame["content"].startswith("echo ")
                    stops += frame["content"] == "stopped"
                    if frame["content"] == f"echo echo sync {start}":
                        break
        await chat.send_later("count")
        while (frame := await chat.receive())["type"] != "message":
            pass
        # A stop that lands while an echo runs cancels its answer, not its count.
        assert echoes <= int(frame["content"]) - 1 <= echoes + stops


@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(frames=st.lists(raw_frames, min_size=20, max_size=60))
def test_generated_frames_get_their_answers_and_the_counter_stays_exact(server, cookie, frames):
    asyncio.run(asyncio.wait_for(run_chat(server, cookie, frames), 60))


# -- The chat history's endpoints ------------------------------------------------------------

query_text = text | st.sampled_from(
    [
        "~",
        "2026-11-24T10:00:00+00:00~0",
        "2026-11-24T10:00:00~" + "0" * 32,
        "-1",
        "0",
        "1e3",
        "Mars/Olympus",
        "UTC",
        "../../etc",
    ]
)


def _cursor(moment, minutes: int, session_id) -> str:
    offset = f"{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return f"{moment.isoformat()}{offset}~{session_id}"


# Cursors of every offset and year a client may write (PostgreSQL ends offsets at ±15:59).
offsets = st.integers(min_value=-(23 * 60 + 59), max_value=23 * 60 + 59)
cursors = st.builds(_cursor, st.datetimes(), offsets, st.uuids())
query_text = query_text | cursors
list_params = st.dictionaries(
    st.sampled_from(["q", "cursor", "limit", "tz", "before", "x"]), query_text, max_size=4
)
patch_bodies = (
    st.binary(max_size=64)
    | json_values.map(lambda value: json.dumps(value).encode())
    | st.fixed_dictionaries({"title": text | json_values}).map(lambda value: json.dumps(value).encode())
    | st.integers(min_value=30, max_value=100_000).map(
        lambda depth: b'{"title": ' + b"[" * depth + b"]" * depth + b"}"
    )
    | st.sampled_from([b'{"title": 1e999}', b'{"title": NaN}', b'{"title": "\\u0000"}', b"[" * 100_000])
)
path_ids = st.sampled_from(
    ["OWN", "00000000-0000-0000-0000-000000000000", "not-a-uuid", "", "%00", "..", "OWN/../x"]
)
http_requests = st.one_of(
    st.tuples(st.just("GET"), st.just("chats/"), list_params, st.none()),
    st.tuples(st.just("GET"), path_ids.map(lambda i: f"chats/{i}/messages/"), list_params, st.none()),
    st.tuples(
        st.sampled_from(["GET", "PATCH", "PUT", "POST"]),
        path_ids.map(lambda i: f"chats/{i}/"),
        list_params,
        patch_bodies,
    ),
    st.tuples(
        st.just("DELETE"), st.just("chats/00000000-0000-0000-0000-000000000000/"), list_params, st.none()
    ),
)


@pytest.fixture(scope="module")
def own_chat(server, cookie):
    async def open_one():
        async with Chat(server, cookie) as chat:
            session = await chat.start()
            await chat.send("echo a chat to rename")
            return session["id"]

    return asyncio.run(open_one())


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")), deadline=None, database=None)
@given(request=http_requests, app=st.sampled_from(["probe", "default", "nosuchapp"]), csrf=st.booleans())
def test_generated_history_requests_get_a_clear_answer(server, cookie, own_chat, request, app, csrf):
    method, path, params, body = request
    query = urllib.parse.urlencode(params, errors="surrogatepass")
    url = f"{server.base}/chat/api/{app}/{path.replace('OWN', own_chat)}?{query}"
    token = SimpleCookie(cookie)["csrftoken"].value if csrf else "forged"
    headers = {"Cookie": cookie, "X-CSRFToken": token, "Content-Type": "application/json"}
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, body, headers, method=method), timeout=10
        ) as answer:
            status, content_type = answer.status, answer.headers["Content-Type"]
    except urllib.error.HTTPError as error:
        status, content_type = error.code, error.headers["Content-Type"]
    # 404 for a URL no route takes is Django's HTML page; every answer of the views is
    # JSON, their refusals of a method or a forged CSRF token included.
    assert status in {200, 204, 400, 404, 405} | ({403} if not csrf else set()), (method, url, status)
    if status in {200, 400, 403, 405}:
        assert content_type == "application/json", (method, url, content_type)


# -- The upload endpoint ---------------------------------------------------------------------

file_names = text | st.sampled_from(
    ["a.csv", "x.png", "../../etc/passwd", "page.html", "", "a\r\nContent-Type: text/html", "C:\\x\\y.txt"]
)
file_contents = st.binary(max_size=2048) | st.sampled_from(
    [b"\x89PNG\r\n\x1a\n" + bytes(40), b"%PDF-1.4", b"<svg/>"]
)
uploads = st.tuples(
    st.lists(st.tuples(file_names, file_contents), max_size=4),
    st.sampled_from(["file", "files", "file[]"]),
    st.sampled_from(["multipart", "chunked", "truncated", "no boundary", "json"]),
)


def upload_body(files: list, field: str, shape: str) -> tuple[bytes, str]:
    boundary = "fuzzboundary"
    parts = []
    for name, content in files:
        header = f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n\r\n'
        parts.append(header.encode(errors="surrogatepass") + content + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    if shape == "truncated":
        body = body[: len(body) // 2]
    if shape == "json":
        return b'{"file": "x"}', "application/json"
    return body, "multipart/form-data" + ("" if shape == "no boundary" else f"; boundary={boundary}")


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")), deadline=None, database=None)
@given(upload=uploads, app=st.sampled_from(["probe", "nosuchapp"]), chat=st.sampled_from(["OWN", "random"]))
def test_generated_uploads_get_a_clear_answer(server, cookie, own_chat, upload, app, chat):
    session_id = own_chat if chat == "OWN" else "00000000-0000-0000-0000-00000000000f"
    body, content_type = upload_body(*upload)
    if upload[2] == "chunked":  # no Content-Length: urllib sends an iterable in chunks
        body = iter([body[: len(body) // 2], body[len(body) // 2 :]])
    token = SimpleCookie(cookie)["csrftoken"].value
    headers = {"Cookie": cookie, "X-CSRFToken": token, "Content-Type": content_type}
    url = f"{server.base}/chat/api/{app}/chats/{session_id}/files/"
    try:
        with urllib.request.urlopen(urllib.request.Request(url, body, headers), timeout=10) as answer:
            status, answered = answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        status, answered = error.code, json.loads(error.read())  # every refusal is JSON too
    assert status in {201, 400, 404, 413, 415}, (upload, status)
    if status == 201:
        assert 1 <= len(answered["files"]) <= 4 and all(item["url"] for item in answered["files"])
    else:
        assert isinstance(answered["error"], str) and answered["detail"], answered


# -- Embedding on another site: the token and login endpoints, and frame keys -----------------

SHOP = "https://shop.example.com"
EMBED_KEY = "the-fuzz-tests-embed-key-long-enough"
embed_fields = st.fixed_dictionaries(
    {},
    optional={
        "user": st.sampled_from(["ann", "alice", "admin", ""]) | text | json_values,
        "origin": st.sampled_from([SHOP, SHOP + "/", "https://evil.example.com", "null", ""])
        | text
        | json_values,
        "token": st.sampled_from(["", "a.b.c", "x" * 2000]) | text | json_values,
        "display_name": text | json_values,
        "metadata": json_values,
    },
)
embed_bodies = (
    embed_fields.map(lambda fields: json.dumps(fields).encode())
    | json_values.map(lambda value: json.dumps(value).encode())
    | st.binary(max_size=64)
    | st.sampled_from([b"[" * 100_000, b'{"user": "ann", "origin": 1e999}', b"x" * 20_000])
)
# Header values a client may send: the right key, a wrong one, junk, a bearer of nothing.
bearers = st.sampled_from([f"Bearer {EMBED_KEY}", "Bearer wrong", "Bearer ", "Basic x", ""]) | st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=80
).map(lambda junk: f"Bearer {junk}")
embed_requests = st.tuples(
    st.sampled_from(["POST", "GET", "PUT"]),
    st.sampled_from(["/chat/embed/token/", "/chat/embed/login/", "/chat/api/probe/chats/"]),
    embed_bodies,
    bearers,
)


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")), deadline=None, database=None)
@given(request=embed_requests)
def test_generated_embed_requests_get_a_clear_answer(server, request):
    method, path, body, bearer = request
    headers = {"Content-Type": "application/json", **({"Authorization": bearer} if bearer else {})}
    try:
        with urllib.request.urlopen(
            urllib.request.Request(
                server.base + path, body if method != "GET" else None, headers, method=method
            ),
            timeout=10,
        ) as answer:
            status, answered = answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        status, answered = error.code, json.loads(error.read())  # every refusal is JSON
    # A token only for the key's holder; a history list only for a valid frame key.
    assert status in {201, 400, 401, 403, 405, 413} | ({200} if path.endswith("chats/") else set()), request
    if status == 201:
        assert bearer == f"Bearer {EMBED_KEY}" and isinstance(answered["token"], str)
    elif status != 200:
        assert isinstance(answered["error"], str) and answered["detail"], answered


key_subprotocols = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.", max_size=200
)


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")) // 5, deadline=None, database=None)
@given(key=key_subprotocols)
def test_generated_frame_keys_log_no_socket_in(server, key):
    from websockets.sync.client import connect

    url = server.base.replace("http", "ws") + "/ws/chat/probe/"
    with connect(url, subprotocols=["chatsessions", f"chatsessions.key.{key}"]) as socket:
        first = json.loads(socket.recv(timeout=10))
        refusal = first[0] if isinstance(first, list) else first
        assert refusal["code"] == "not_logged_in" and "reload the page" in refusal["detail"]


header_text = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=600)
languages = header_text | st.sampled_from(
    ["fr", "ar-EG,fr;q=0.5", "fr;q=abc", "*", "zz-ZZ", "en;q=0", "fr;q=1e999", ",,,;;;", "x" * 1000]
)
#: The refusal of an unknown app in each language the package ships (and English).
UNKNOWN_APP = {
    "no chat app named 'nosuchapp'",
    "aucune application de discussion nommée 'nosuchapp'",
    "لا يوجد تطبيق محادثة باسم 'nosuchapp'",
}


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")) // 5, deadline=None, database=None)
@given(accept=languages, cookie_language=st.none() | st.from_regex(r"[A-Za-z0-9_@.-]{0,40}", fullmatch=True))
def test_generated_languages_get_a_refusal_in_a_language_the_package_speaks(server, accept, cookie_language):
    """A socket's Accept-Language and language cookie, whatever they hold, pick a language
    the package ships or the default; the refusal arrives in it and nothing breaks."""
    from websockets.sync.client import connect

    headers = {"Origin": server.base, "Accept-Language": accept}
    if cookie_language is not None:
        headers["Cookie"] = f"django_language={cookie_language}"
    url = server.base.replace("http", "ws") + "/ws/chat/nosuchapp/"
    with connect(url, additional_headers=headers, open_timeout=10) as socket:
        refusal = json.loads(socket.recv(timeout=10))
    assert refusal["code"] == "unknown_app" and refusal["detail"] in UNKNOWN_APP, refusal


def test_the_fuzzed_server_logged_nothing_but_its_requests(server, cookie):
    """Runs after the fuzzing above (pytest keeps the order of a module's tests)."""
    assert sent[0] >= 2000, f"only {sent[0]} frames were generated"
    assert server.alive()
    unexpected = [
        line
        for line in server.output().splitlines()
        if not line.startswith("127.0.0.1:")
        and "daphne" not in line
        and "Listening" not in line
        and "Configuring endpoint" not in line
        and "HTTP/2 support" not in line
        and "Starting server" not in line
        # Django's own line for each 4xx answer to the history requests above, and its
        # CSRF check's line for each forged token.
        and not re.search(
            r"(Not Found|Bad Request|Bad request \(Unable to parse request body\)|Method Not Allowed \(\w+\)"
            r"|Method Not Allowed|Unsupported Media Type|Request Entity Too Large"
            r"|Forbidden|Forbidden \(CSRF token from the 'X-Csrftoken' HTTP header [^)]*\)|Unauthorized)"
            r": /chat/(api|embed)/",
            line,
        )
        # The embed endpoints' (and sockets') own line for each refusal of a token, a login
        # or a key, and the body limit's for each body over theirs.
        and not re.search(r"refused an embed( token| login|ded chat's socket)", line)
        and not re.search(r"^/chat/embed/\w+/: refused a request body over \d+ bytes$", line)
    ]
    assert unexpected == []
