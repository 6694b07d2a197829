"""Uploads for ChatClient: files attached the way the page attaches them, through the
upload endpoint of a live server (multipart, with the login and CSRF cookies), or in
process through the same checks, without HTTP."""

from __future__ import annotations

import io
import json
import secrets
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.urls import reverse

from .transport import login_cookie
from .turns import ChatTestError

#: A file to attach: a path, or a name and its bytes.
Attachment = str | Path | tuple[str, bytes]


class UploadRefused(ChatTestError):
    """The server refused the files: its HTTP status, error code and detail."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(f"upload refused ({status} {code}): {detail}")
        self.status = status
        self.code = code
        self.detail = detail


def _named(attachment: Attachment) -> tuple[str, bytes]:
    if isinstance(attachment, tuple):
        return attachment
    path = Path(attachment)
    return path.name, path.read_bytes()


def in_process(user: Any, session_id: str, attachments: list[Attachment]) -> list[dict[str, Any]]:
    """Keeps files for the chat as the upload endpoint does (same checks, same storage)."""
    from ..storage import files
    from ..web.errors import HttpError

    if user is None or not user.is_authenticated:
        raise UploadRefused(HttpError.NOT_LOGGED_IN.status, HttpError.NOT_LOGGED_IN, "log in to attach files")
    named = [_named(attachment) for attachment in attachments]
    try:
        rows = files.keep_uploads(user, session_id, [(name, io.BytesIO(data)) for name, data in named])
    except files.Refused as refused:
        raise UploadRefused(HttpError(refused.code).status, refused.code, refused.detail) from None
    return files.with_urls([files.descriptor(row) for row in rows])


def over_http(url: str, cookie: str | None, attachments: list[Attachment]) -> list[dict[str, Any]]:
    """POSTs files to a live server's upload endpoint (url), as the page does."""
    boundary = secrets.token_hex(16)
    body = io.BytesIO()
    for name, data in (_named(attachment) for attachment in attachments):
        quoted = name.replace("\\", "\\\\").replace('"', '\\"')
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{quoted}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
        )
        body.write(data + b"\r\n")
    body.write(f"--{boundary}--\r\n".encode())
    # Django checks the CSRF token of the header against the cookie's: a fresh pair works.
    token = secrets.token_hex(16)
    kept = [part for part in (cookie or "").split("; ") if part and not part.startswith("csrftoken=")]
    cookies = "; ".join([*kept, f"csrftoken={token}"])
    request = urllib.request.Request(
        url,
        data=body.getvalue(),
        method="POST",
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Cookie": cookies,
            "X-CSRFToken": token,
            "Referer": url,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return list(json.loads(response.read())["files"])
    except urllib.error.HTTPError as error:
        text = error.read().decode(errors="replace")
        try:
            problem = json.loads(text)
            code, detail = problem["error"], problem["detail"]
        except (ValueError, KeyError, TypeError):
            code, detail = "http_error", text[:200]
        raise UploadRefused(error.code, code, detail) from None


class Attaching:
    """ChatClient's uploads."""

    server: str | None
    cookie: str | None
    user: Any
    app_name: str

    @property
    def session_id(self) -> str:
        raise NotImplementedError  # ChatClient's

    async def upload(self, *attachments: Attachment) -> list[dict[str, Any]]:
        """Uploads files to this chat, as the page does when files are attached, and returns
        what the server says of each ({"id", "name", "mime", "size", "url", ...}); a
        message names them by id. Raises UploadRefused if the server refuses them."""
        if self.server is None:
            return await database_sync_to_async(in_process)(self.user, self.session_id, list(attachments))
        cookie = self.cookie
        if cookie is None and self.user is not None:
            cookie = await sync_to_async(login_cookie)(self.user)
        url = self.server + reverse("chatsessions:chat-files", args=[self.app_name, self.session_id])
        return await sync_to_async(over_http)(url, cookie, list(attachments))
