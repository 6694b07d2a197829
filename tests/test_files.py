"""Files and elements in process, with the testing kit and Django's test client: uploads
and their limits, the file view's owner check and headers, files a handler reads and
asks for, the elements it sends, and what deleting a chat does to the stored bytes."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

import chatsessions as cl
from chatsessions.handler_api.elements import Element
from chatsessions.models import ChatFile, ChatSession
from chatsessions.storage import files
from chatsessions.testing import ChatClient, ChatError, HandlerError, UploadRefused
from chatsessions.wire.frames import ErrorCode
from tests.chat_apps.files_app import pdf_bytes, png_bytes

APP = "files"
CSV = ("table.csv", b"a,b\n1,2\n3,4\n")


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


def stored(row: ChatFile) -> bool:
    return files.storage().exists(row.storage_name)


def logged_in(user: Any, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def upload_url(session_id: str, app: str = APP) -> str:
    return reverse("chatsessions:chat-files", args=[app, session_id])


def post_files(client: Client, session_id: str, *named: tuple[str, bytes], csrf: bool = False) -> Any:
    data: dict[str, Any] = {"file": [_uploaded(name, content) for name, content in named]}
    headers = {}
    if csrf:
        client.get(reverse("chatsessions:chat-app", args=[APP]))  # the page sets the cookie
        headers["X-CSRFToken"] = client.cookies["csrftoken"].value
    return client.post(upload_url(session_id), data, headers=headers)


def _uploaded(name: str, content: bytes) -> Any:
    file = io.BytesIO(content)
    file.name = name
    return file


# -- files the user attaches -----------------------------------------------------------


async def test_attached_files_reach_the_handler_with_their_bytes(chat_user):
    png = png_bytes()
    async with ChatClient(APP, user=chat_user) as chat:
        reply = await chat.send("look", files=[CSV, ("dot.png", png)])
        assert reply.content == (
            f"look: table.csv text/csv 12 {digest(CSV[1])}; dot.png image/png {len(png)} {digest(png)}"
        )
        sent = chat.history[-2]
        assert [(item["name"], item["type"]) for item in sent.elements] == [
            ("table.csv", "file"),
            ("dot.png", "image"),
        ]
    rows = await sync_to_async(list)(ChatFile.objects.filter(owner=chat_user).order_by("name"))
    assert [(row.name, row.origin, row.message_id != "", row.sha256[:12]) for row in rows] == [
        ("dot.png", "upload", True, digest(png)),
        ("table.csv", "upload", True, digest(CSV[1])),
    ]


async def test_a_message_may_be_only_files_and_its_files_title_the_chat(chat_user):
    async with ChatClient(APP, user=chat_user) as chat:
        assert (await chat.send(files=[CSV, ("b.txt", b"b")])).content.startswith(": table.csv text/csv 12")
    assert (
        await sync_to_async(ChatSession.objects.values_list("title", flat=True).get)() == "table.csv, b.txt"
    )


async def test_a_file_is_sent_once_and_only_by_its_owner(chat_user, alice):
    async with ChatClient(APP, user=chat_user) as chat:
        [described] = await chat.upload(CSV)
        await chat.send_frame({"type": "message", "content": "mine", "files": [described["id"]]})
        await chat.expect("message")
        await chat.send_frame({"type": "message", "content": "again", "files": [described["id"]]})
        refused = await chat.expect("error")
        assert refused["code"] == ErrorCode.UNKNOWN_FILE
        async with ChatClient(APP, user=alice) as other:
            [hers] = await other.upload(CSV)
        await chat.send_frame({"type": "message", "content": "hers", "files": [hers["id"]]})
        assert (await chat.expect("error"))["code"] == ErrorCode.UNKNOWN_FILE
        # Refused messages ran nothing; the chat goes on.
        assert (await chat.send("still here")).content == "still here: no files"


async def test_the_testing_kit_says_why_an_upload_was_refused(chat_user):
    async with ChatClient(APP, user=chat_user) as chat:
        with pytest.raises(UploadRefused) as refused:
            await chat.send("x", files=[("photo.png", b"not a picture")])
        assert (refused.value.status, refused.value.code) == (415, "wrong_type")
        assert "does not have the content its name says (image/png)" in refused.value.detail


async def test_a_handler_sends_the_users_files_back(chat_user):
    async with ChatClient(APP, user=chat_user) as chat:
        reply = await chat.send("echo", files=[CSV])
        assert [(item["name"], item["url"]) for item in reply.elements] == [
            ("table.csv", chat.history[-2].elements[0]["url"])
        ]


# -- questions for files ---------------------------------------------------------------


async def test_a_file_question_is_answered_by_files(chat_user):
    async with ChatClient(APP, user=chat_user) as chat:
        assert (await chat.send("ask")).content == "A CSV, please"
        assert chat.asked["kind"] == "file"
        assert chat.asked["files"] == {"accept": ["text/csv", ".csv"], "max_files": 2, "max_size_mb": 1}
        more = ("more.csv", b"x\n1\n")
        reply = await chat.send(files=[CSV, more])
        assert (
            reply.content
            == f"got: table.csv text/csv 12 {digest(CSV[1])}; more.csv text/csv 4 {digest(more[1])}"
        )


async def test_a_file_question_refuses_what_it_did_not_ask_for(chat_user):
    async with ChatClient(APP, user=chat_user) as chat:
        await chat.send("ask")
        for attached, why in [
            ([("dot.png", png_bytes())], "the question asks for text/csv, .csv"),
            ([CSV, CSV, CSV], "at most 2 file(s)"),
            ([("big.csv", b"a\n" * 600_000)], "larger than the 1 MB"),
        ]:
            with pytest.raises(ChatError) as refused:
                await chat.send(files=attached)
            assert refused.value.code == ErrorCode.FILE_REFUSED and why in refused.value.detail
        with pytest.raises(ChatError) as refused:
            await chat.send("just text")
        assert refused.value.code == ErrorCode.INVALID_FIELD
        assert (await chat.send(files=[CSV])).content.startswith("got: table.csv")


async def test_a_file_question_times_out(chat_user):
    async with ChatClient(APP, user=chat_user) as chat:
        await chat.send("ask 0.2")
        assert (await chat.wait()).reply.content == "got: nothing"


# -- elements a handler sends ----------------------------------------------------------


async def test_every_kind_of_element_is_kept_and_shown(chat_user):
    async with ChatClient(APP, user=chat_user) as chat:
        reply = await chat.send("elements")
    shown = {item["name"]: item for item in reply.elements}
    assert [(item["name"], item["type"], item["mime"]) for item in reply.elements] == [
        ("dot", "image", "image/png"),
        ("code", "text", "text/plain"),
        ("paper", "pdf", "application/pdf"),
        ("data.csv", "file", "text/csv"),
        ("bars", "plotly", "application/json"),
        ("plot", "image", "image/png"),
        ("remote", "image", ""),
    ]
    assert shown["code"]["language"] == "python" and shown["paper"]["page"] == 1
    assert shown["remote"]["url"] == "https://example.com/cat.png"
    client = await sync_to_async(logged_in)(chat_user)
    code = await sync_to_async(client.get)(shown["code"]["url"])
    assert b"".join(code.streaming_content) == b"print('hi')"
    rows = await sync_to_async(list)(ChatFile.objects.filter(origin=ChatFile.Origin.ELEMENT))
    assert len(rows) == 6 and all(row.owner_id == chat_user.pk and row.message_id == reply.id for row in rows)


async def test_sound_and_video_elements_are_kept_to_play(chat_user):
    async with ChatClient(APP, user=chat_user) as chat:
        reply = await chat.send("players")
    assert [(item["name"], item["type"], item["mime"]) for item in reply.elements] == [
        ("clip", "video", "video/mp4"),
        ("tune", "audio", "audio/mpeg"),
    ]
    assert reply.elements[1]["auto_play"] is True
    client = await sync_to_async(logged_in)(chat_user)
    served = await sync_to_async(client.get)(reply.elements[0]["url"])
    assert served["Content-Type"] == "video/mp4" and served["Content-Disposition"].startswith("inline")


def test_an_audio_element_of_another_type_or_a_dataframe_of_none_is_refused():
    with pytest.raises(ValueError, match="its content is image/png, not one of audio/"):
        cl.Audio(name="tune", content=png_bytes()).incoming()
    with pytest.raises(TypeError, match="pandas or polars DataFrame"):
        cl.Dataframe(data={"a": [1]})


async def test_an_element_not_of_its_type_fails_the_handler(chat_user):
    async with ChatClient(APP, user=chat_user) as chat:
        with pytest.raises(HandlerError, match="its content is text/plain, not one of image/png"):
            await chat.send("not an image")
    assert await sync_to_async(ChatFile.objects.count)() == 0


async def test_files_and_elements_come_back_on_resume(chat_user):
    async with ChatClient(APP, user=chat_user) as chat:
        await chat.send("look", files=[CSV])
        await chat.send("elements")
        await chat.reconnect()
        user_message, _, _, elements = chat.history
        assert [item["name"] for item in user_message.elements] == ["table.csv"]
        assert len(elements.elements) == 7 and all(item["url"] for item in elements.elements)


# -- the upload endpoint ---------------------------------------------------------------


@pytest.fixture
def chat_of(transactional_db: None) -> Any:
    def make(user: Any, app: str = APP) -> str:
        return str(ChatSession.objects.create(owner=user, app=app).pk)

    return make


def test_an_upload_answers_what_it_kept(chat_user, chat_of):
    session_id = chat_of(chat_user)
    response = post_files(logged_in(chat_user, csrf=True), session_id, CSV, csrf=True)
    assert response.status_code == 201
    [described] = response.json()["files"]
    assert described["name"] == "table.csv" and described["mime"] == "text/csv" and described["size"] == 12
    row = ChatFile.objects.get(pk=described["id"])
    assert row.message_id == "" and stored(row)


def test_an_upload_needs_the_csrf_token(chat_user, chat_of):
    response = post_files(logged_in(chat_user, csrf=True), chat_of(chat_user), CSV)
    assert response.status_code == 403 and ChatFile.objects.count() == 0


def test_an_upload_needs_a_login_and_a_chat_of_ones_own(chat_user, alice, chat_of):
    assert post_files(Client(), chat_of(chat_user), CSV).status_code == 401  # as in the history API
    assert post_files(logged_in(alice), chat_of(chat_user), CSV).status_code == 404
    assert logged_in(chat_user).post(upload_url(chat_of(chat_user), app="nope")).status_code == 404
    assert logged_in(chat_user).get(upload_url(chat_of(chat_user))).status_code == 405
    assert ChatFile.objects.count() == 0


@pytest.mark.parametrize(
    ("named", "status", "code"),
    [
        ([("photo.png", b"%PDF-1.4 not a picture")], 415, "wrong_type"),
        ([("report.pdf", b"plain words")], 415, "does not have the content"),
        ([("notes.txt", b"\x00\x01binary")], 415, "is not text"),
        ([], 400, "no_files"),
    ],
)
def test_an_upload_whose_content_is_not_its_type_is_refused(chat_user, chat_of, named, status, code):
    response = post_files(logged_in(chat_user), chat_of(chat_user), *named)
    assert response.status_code == status and code in str(response.json())
    assert ChatFile.objects.count() == 0


@override_settings(
    CHATSESSIONS={
        "APPS": {APP: "tests.chat_apps.files_app"},
        "FILE_STORAGE": "chatfiles",
        "MAX_FILE_BYTES": 1000,
        "MAX_FILES_PER_MESSAGE": 2,
        "MAX_MESSAGE_FILE_BYTES": 1500,
        "MAX_USER_FILE_BYTES": 2500,
        "UPLOAD_TYPES": ["text/*", "image/png"],
    }
)
def test_uploads_are_held_to_the_limits(chat_user, chat_of):
    client, session_id = logged_in(chat_user), chat_of(chat_user)
    kb = b"x" * 999 + b"\n"
    for named, status, code in [
        ([("big.txt", kb + b"y")], 413, "file_too_large"),
        ([("a.txt", kb), ("b.txt", kb)], 413, "message_too_large"),
        ([("a.txt", b"1"), ("b.txt", b"2"), ("c.txt", b"3")], 400, "too_many_files"),
        ([("tiny.gif", b"GIF89a" + bytes(20))], 415, "type_not_accepted"),
    ]:
        response = post_files(client, session_id, *named)
        assert (response.status_code, response.json()["error"]) == (status, code)
    assert post_files(client, session_id, ("a.txt", kb)).status_code == 201
    assert post_files(client, session_id, ("b.txt", kb)).status_code == 201
    over = post_files(client, session_id, ("c.txt", kb))
    assert (over.status_code, over.json()["error"]) == (413, "quota_exceeded")
    assert ChatFile.objects.count() == 2
    assert len(list(files.storage().listdir(f"chatsessions/{session_id}")[1])) == 2  # nothing half-kept


# -- the file view ---------------------------------------------------------------------


def test_a_file_is_served_to_its_owner_and_staff_who_may_view_files_only(
    chat_user, alice, chat_of, django_user_model
):
    [described] = post_files(logged_in(chat_user), chat_of(chat_user), CSV).json()["files"]
    url = described["url"]
    assert logged_in(chat_user).get(url).status_code == 200
    assert logged_in(alice).get(url).status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    staff = django_user_model.objects.create_user("staff", is_staff=True)
    assert logged_in(staff).get(url).status_code == 404  # staff, but not allowed to view chat files
    staff.user_permissions.add(Permission.objects.get(codename="view_chatfile"))
    staff = django_user_model.objects.get(pk=staff.pk)  # permissions are cached per instance
    assert logged_in(staff).get(url).status_code == 200
    assert logged_in(chat_user).get(reverse("chatsessions:file", args=[ChatSession().pk])).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "served_as", "disposition"),
    [
        ("dot.png", None, "image/png", "inline"),
        ("page.html", b"<script>alert(1)</script>", "application/octet-stream", "attachment"),
        ("logo.svg", b"<svg onload='alert(1)'/>", "application/octet-stream", "attachment"),
        ("notes.txt", b"hello", "text/plain", "inline"),
    ],
)
def test_files_are_served_so_that_nothing_runs_from_the_site(
    chat_user, chat_of, name, content, served_as, disposition
):
    client = logged_in(chat_user)
    [described] = post_files(client, chat_of(chat_user), (name, content or png_bytes())).json()["files"]
    response = client.get(described["url"])
    assert response["Content-Type"] == served_as
    assert response["Content-Disposition"].startswith(disposition) and name in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    download = client.get(described["url"] + "?download=1")
    assert download["Content-Disposition"].startswith("attachment")


def test_a_pdf_shows_in_a_frame_of_the_site(chat_user, chat_of):
    client = logged_in(chat_user)
    [described] = post_files(client, chat_of(chat_user), ("paper.pdf", pdf_bytes())).json()["files"]
    response = client.get(described["url"])
    assert response["Content-Type"] == "application/pdf" and response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["Content-Security-Policy"] == "frame-ancestors 'self'"  # no sandbox: the viewer must run
    download = client.get(described["url"] + "?download=1")
    assert download["Content-Security-Policy"].startswith("sandbox")


# -- deleting --------------------------------------------------------------------------


async def test_deleting_a_chat_deletes_its_stored_files(chat_user):
    async with ChatClient(APP, user=chat_user) as chat:
        await chat.send("look", files=[CSV])
        await chat.send("elements")
    rows = await sync_to_async(list)(ChatFile.objects.all())
    assert len(rows) == 7 and all(map(stored, rows))
    client = await sync_to_async(logged_in)(chat_user)
    response = await sync_to_async(client.delete)(
        reverse("chatsessions:chat-detail", args=[APP, chat.session_id])
    )
    assert response.status_code == 204
    assert await sync_to_async(ChatFile.objects.count)() == 0
    assert not any(map(stored, rows))


def test_purging_ended_chats_deletes_their_stored_files(chat_user, chat_of):
    session_id = chat_of(chat_user)
    post_files(logged_in(chat_user), session_id, CSV)
    row = ChatFile.objects.get()
    ChatSession.objects.filter(pk=session_id).update(
        status=ChatSession.Status.ENDED, ended_at="2020-01-01T00:00Z"
    )
    call_command("chatsessions_purge", "--ended-before", "1", "--yes", stdout=io.StringIO())
    assert not ChatFile.objects.exists() and not stored(row)


def test_uploads_never_sent_are_deleted_by_the_reaper(chat_user, chat_of):
    post_files(logged_in(chat_user), chat_of(chat_user), CSV)
    row = ChatFile.objects.get()
    call_command("chatsessions_reap", stdout=io.StringIO())
    assert stored(row)  # not a day old yet
    ChatFile.objects.update(created_at="2020-01-01T00:00Z")
    call_command("chatsessions_reap", stdout=io.StringIO())
    assert not ChatFile.objects.exists() and not stored(row)


# -- the admin -------------------------------------------------------------------------


async def test_staff_see_a_chats_files_in_its_transcript_and_delete_them(chat_user, django_user_model):
    async with ChatClient(APP, user=chat_user) as chat:
        await chat.send("look", files=[CSV])
        await chat.send("elements")
    root = await sync_to_async(django_user_model.objects.create_superuser)("root", "root@example.com", "pw")
    client = await sync_to_async(logged_in)(root)
    page = await sync_to_async(client.get)(
        reverse("admin:chatsessions_chatsession_change", args=[chat.session_id])
    )
    html = page.content.decode()
    row = await sync_to_async(ChatFile.objects.get)(name="table.csv")
    assert f"<a href='{files.url_of(str(row.pk))}' target='_blank' rel='noopener'>table.csv</a>" in html
    assert "https://example.com/cat.png" in html and ">paper</a>" in html
    listing = await sync_to_async(client.get)(reverse("admin:chatsessions_chatfile_changelist"))
    assert listing.status_code == 200 and b"table.csv" in listing.content
    await sync_to_async(client.post)(
        reverse("admin:chatsessions_chatfile_delete", args=[row.pk]), {"post": "yes"}
    )
    assert not await sync_to_async(ChatFile.objects.filter(pk=row.pk).exists)() and not stored(row)


def test_the_readmes_s3_storage_is_a_private_bucket_with_no_local_paths(chat_user, chat_of, settings):
    from tests.documented import block

    configured = {"STORAGES": dict(settings.STORAGES), "CHATSESSIONS": dict(settings.CHATSESSIONS)}
    exec(block("s3", "docs/handler-api.md"), {}, configured)
    settings.STORAGES, settings.CHATSESSIONS = configured["STORAGES"], configured["CHATSESSIONS"]
    settings.DEBUG = True  # W002 (pytest-django turns DEBUG off) has its own test
    from django.core.checks import run_checks
    from storages.backends.s3 import S3Storage

    assert [message.id for message in run_checks() if message.id.startswith("chatsessions")] == []
    storage = files.storage()
    assert isinstance(storage, S3Storage)
    assert (storage.bucket_name, storage.default_acl, storage.querystring_auth) == (
        "my-chat-files",
        "private",
        True,
    )
    row = ChatFile(
        session_id=chat_of(chat_user), name="a.csv", mime="text/csv", size=1, storage_name="x/a.csv"
    )
    assert Element.of(row).path is None  # no folder: read() and open() instead


#: URLs a browser reads as another site or as script, spelled to slip past a naive check.
OFF_SITE_URLS = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "\njavascript:alert(1)",
    "data:text/html,<script>",
    "file:///etc/passwd",
    "//evil",
    "/\\evil.invalid/x",
    "\\\\evil.invalid/x",
    "\\/evil.invalid/x",
    "/\t/evil.invalid/x",
    "/\n/evil.invalid/x",
    "/\r\n/evil.invalid/x",
    " //evil.invalid/x",
    "\x00//evil.invalid/x",
]


@pytest.mark.parametrize("url", OFF_SITE_URLS)
def test_an_element_shown_from_a_url_takes_only_http_or_a_path_of_the_site(url):
    with pytest.raises(ValueError, match="url must be http"):
        Element("x", url=url)


@pytest.mark.parametrize(
    "url", ["/chat/files/x/", "https://example.com/a.png", "HTTP://example.com/", "/a\\b"]
)
def test_an_element_shown_from_a_url_takes_http_anywhere_and_paths_of_the_site(url):
    assert Element("x", url=url).url == url


async def test_chainlits_image_example_sends_a_picture_from_a_path(chat_user, tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(1, 1))
    figure.add_subplot().plot([0, 1], [1, 0])
    figure.savefig(tmp_path / "cat.jpeg", format="jpeg")
    monkeypatch.chdir(tmp_path)  # the example opens ./cat.jpeg
    async with ChatClient("tests.chat_apps.chainlit_examples.image_element", user=chat_user) as chat:
        (element,) = chat.history[-1].elements
    assert (element["name"], element["type"], element["mime"]) == ("image1", "image", "image/jpeg")
    row = await sync_to_async(ChatFile.objects.get)(pk=element["id"])
    assert files.storage().open(row.storage_name).read() == (tmp_path / "cat.jpeg").read_bytes()
