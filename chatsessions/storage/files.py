"""Files of chats: ChatFile rows with their bytes in Django's storage, checked on the way
in (the limits, the type from the content) and deleted from the storage with their row.

A user's upload is kept unattached until a message names it (attach); a handler's
element is kept with its message. Nothing half-written stays: bytes saved for a batch
whose rows cannot be inserted are deleted again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import unicodedata
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.base import File
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.db.models import Sum
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..conf import get_config
from ..models import ChatFile
from .sniffing import HEAD_BYTES, WrongType, matches, type_of

logger = logging.getLogger("chatsessions")

#: Types the file view shows in the page (and the browser's own viewer, or player); any
#: other type is always a download, so that no HTML or SVG a user uploaded runs from our
#: origin.
INLINE_TYPES = frozenset(
    {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"}
    | {"audio/mpeg", "audio/ogg", "audio/wav", "audio/x-wav", "audio/webm", "audio/mp4", "audio/aac"}
    | {"audio/flac", "audio/x-flac", "video/mp4", "video/webm", "video/ogg"}
)

_CHUNK = 64 * 1024


class Refused(Exception):
    """Files the server will not keep: a stable code (web/errors.py's HttpError gives its
    HTTP status) and what is wrong."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


def storage() -> Storage:
    """The storage that keeps the bytes (CHATSESSIONS["FILE_STORAGE"] of STORAGES)."""
    return storages[get_config()["FILE_STORAGE"]]


def mebibytes(size: int) -> str:
    return f"{size / (1024 * 1024):.3g} MiB"


def clean_name(name: str) -> str:
    """A file name fit to show and to send back: no folders, no control characters."""
    name = os.path.basename(name.replace("\\", "/"))
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C").strip()
    return name[-255:] or "file"


_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,10}$")


def _storage_name(session_id: Any, file_id: uuid.UUID, name: str) -> str:
    """Where the bytes go: under the chat's id, named by the file's id (the user's name is
    in the row), with its extension, so that a local path reads like the file."""
    extension = _EXTENSION.search(name)
    return f"chatsessions/{session_id}/{file_id.hex}{extension.group(0).lower() if extension else ''}"


@dataclass
class Incoming:
    """A file to keep: its name and an open, seekable binary file of its bytes."""

    name: str
    source: IO[bytes]
    # Filled by inspect():
    size: int = 0
    sha256: str = ""
    mime: str = ""
    element: dict[str, Any] = field(default_factory=dict)

    def inspect(self, mime: str | None = None) -> None:
        """Reads the file once: its size, checksum and type (from the content)."""
        digest = hashlib.sha256()
        self.source.seek(0)
        size = 0
        head = b""
        while chunk := self.source.read(_CHUNK):
            if len(head) < HEAD_BYTES:
                head += chunk[: HEAD_BYTES - len(head)]
            digest.update(chunk)
            size += len(chunk)
        self.size, self.sha256 = size, digest.hexdigest()
        self.mime = mime or type_of(self.name, head)


def keep_uploads(user: Any, session_id: Any, uploads: Iterable[tuple[str, IO[bytes]]]) -> list[ChatFile]:
    """Checks and keeps files a user uploaded to a chat of theirs (not attached to a
    message yet), or raises Refused and keeps none."""
    config = get_config()
    incoming = [Incoming(clean_name(name), source) for name, source in uploads]
    if not incoming:
        raise Refused("no_files", 'send the files as multipart form fields named "file"')
    if len(incoming) > config["MAX_FILES_PER_MESSAGE"]:
        count = config["MAX_FILES_PER_MESSAGE"]
        raise Refused("too_many_files", _("at most %(count)s files at a time") % {"count": count})
    for file in incoming:
        try:
            file.inspect()
        except WrongType as error:
            raise Refused("wrong_type", str(error)) from None
        if file.size > config["MAX_FILE_BYTES"]:
            raise Refused(
                "file_too_large",
                _("%(name)s is larger than %(limit)s")
                % {"name": file.name, "limit": mebibytes(config["MAX_FILE_BYTES"])},
            )
        if not matches(file.mime, file.name, config["UPLOAD_TYPES"]):
            raise Refused(
                "type_not_accepted",
                _("%(name)s: files of type %(type)s are not accepted")
                % {"name": file.name, "type": file.mime},
            )
    if sum(file.size for file in incoming) > config["MAX_MESSAGE_FILE_BYTES"]:
        raise Refused(
            "message_too_large",
            _("the files of one message are limited to %(limit)s")
            % {"limit": mebibytes(config["MAX_MESSAGE_FILE_BYTES"])},
        )
    return _keep(incoming, session_id, user, ChatFile.Origin.UPLOAD, "", quota=True)


def keep_elements(session_id: Any, owner: Any, message_id: str, elements: list[Incoming]) -> list[ChatFile]:
    """Keeps the files of the elements a handler sends with a message (no user limits:
    the handler is the app's own code)."""
    return _keep(elements, session_id, owner, ChatFile.Origin.ELEMENT, message_id, quota=False)


def _keep(
    incoming: list[Incoming], session_id: Any, owner: Any, origin: str, message_id: str, quota: bool
) -> list[ChatFile]:
    kept = storage()
    rows: list[ChatFile] = []
    try:
        for file in incoming:
            row = ChatFile(
                session_id=session_id,
                owner=owner if getattr(owner, "is_authenticated", False) else None,
                message_id=message_id,
                origin=origin,
                name=file.name,
                mime=file.mime,
                size=file.size,
                sha256=file.sha256,
                element=file.element,
            )
            file.source.seek(0)
            row.storage_name = kept.save(_storage_name(session_id, row.id, file.name), File(file.source))
            rows.append(row)
        # Writes come before reads in these transactions: SQLite cannot turn a transaction
        # that has read into one that writes while another connection writes.
        with transaction.atomic():
            ChatFile.objects.bulk_create(rows)
            if quota:
                _check_quota(owner)
    except BaseException:
        for row in rows:
            _delete_bytes(row.storage_name)
        raise
    return rows


def _check_quota(user: Any) -> None:
    """Refuses uploads (inserted already, in this transaction) that take the user past
    MAX_USER_FILE_BYTES. The user's row is locked first, so of two uploads at once the
    second counts the first's files (on databases that lock rows; SQLite writes one
    transaction at a time anyway)."""
    limit = get_config()["MAX_USER_FILE_BYTES"]
    list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk"))
    uploads = ChatFile.objects.filter(owner=user, origin=ChatFile.Origin.UPLOAD)
    used = uploads.aggregate(used=Sum("size"))["used"] or 0
    if used > limit:
        raise Refused(
            "quota_exceeded",
            _("your files would take more than %(limit)s; delete chats you no longer need")
            % {"limit": mebibytes(limit)},
        )


def attach(
    session_id: Any,
    user: Any,
    file_ids: list[str],
    message_id: str,
    check: Callable[[list[ChatFile]], None] | None = None,
) -> list[ChatFile] | None:
    """Attaches the user's unsent uploads to their message, in the order named; None (and
    nothing attached) if any is not such an upload of this chat. check may raise to
    refuse them (they stay unsent)."""
    owner = user if getattr(user, "is_authenticated", False) else None
    wanted = list(dict.fromkeys(file_ids))
    try:
        with transaction.atomic():  # the update first: see _keep
            unsent = ChatFile.objects.filter(
                pk__in=wanted,
                session_id=session_id,
                owner=owner,
                origin=ChatFile.Origin.UPLOAD,
                message_id="",
            )
            if unsent.update(message_id=message_id) != len(wanted):
                raise _NotAll
            found = {str(row.id): row for row in ChatFile.objects.filter(pk__in=wanted)}
            rows = [found[file_id] for file_id in wanted]
            if check is not None:
                check(rows)
    except _NotAll:
        return None
    return rows


class _NotAll(Exception):
    """Some of the files a message names are not unsent uploads of its chat's user."""


def refusal(rows: list[ChatFile], wanted: dict[str, Any]) -> str | None:
    """Why files do not answer a question for files (AskFileMessage's spec), if they do not."""
    if len(rows) > wanted.get("max_files", len(rows)):
        return _("the question asks for at most %(count)s file(s)") % {"count": wanted["max_files"]}
    for row in rows:
        if not matches(row.mime, row.name, wanted.get("accept", ["*/*"])):
            return _("%(name)s is %(type)s; the question asks for %(accepted)s") % {
                "name": row.name,
                "type": row.mime,
                "accepted": ", ".join(wanted["accept"]),
            }
        if row.size > wanted.get("max_size_mb", float("inf")) * 1024 * 1024:
            return _("%(name)s is larger than the %(size)s MB the question allows") % {
                "name": row.name,
                "size": f"{wanted['max_size_mb']:g}",
            }
    return None


def element_type(mime: str) -> str:
    """How the page shows a file of this type: an image, a PDF viewer, a player, or a
    download."""
    if mime in INLINE_TYPES and mime.split("/")[0] in ("image", "audio", "video"):
        return mime.split("/")[0]
    if mime == "application/pdf":
        return "pdf"
    return "file"


def descriptor(row: ChatFile) -> dict[str, Any]:
    """What a message frame (and a message's meta) says of one of its files."""
    described: dict[str, Any] = {"type": element_type(row.mime), "display": "inline", **row.element}
    described.update(id=str(row.id), name=row.name, mime=row.mime, size=row.size)
    return described


def url_of(file_id: str) -> str:
    """The URL the file view serves a file at ("" where chatsessions.urls is not included)."""
    try:
        return reverse("chatsessions:file", args=[file_id])
    except NoReverseMatch:
        return ""


def with_urls(described: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Descriptors with the URL of each (an element sent by URL has its own; a custom
    element's is its module's, found again each time: a deploy may rename it)."""
    return [item if "url" in item else {**item, "url": _url_of_descriptor(item)} for item in described]


def _url_of_descriptor(item: dict[str, Any]) -> str:
    return custom_module_url(item["name"]) if item.get("type") == "custom" else url_of(item["id"])


#: A custom element's name (cl.CustomElement): its module is the static file
#: elements/<name>.js, as Chainlit's is public/elements/<name>.jsx.
CUSTOM_ELEMENT_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}\Z")


def custom_module_path(name: str) -> str:
    return f"elements/{name}.js"


def custom_module_url(name: str) -> str:
    """The URL of the ES module that draws custom element name, "" if the project's static
    files have none (or name is not a name)."""
    if not CUSTOM_ELEMENT_NAME.match(name):
        return ""
    path = custom_module_path(name)
    if not finders.find(path):
        try:  # collected (a production server may hold only STATIC_ROOT)
            collected = staticfiles_storage.exists(path)
        except Exception:  # no STATIC_ROOT, say
            collected = False
        if not collected:
            return ""
    try:
        return static(path)
    except ValueError:  # a manifest storage that has not collected it
        return ""


def forget_unsent(older_than_seconds: float) -> int:
    """Deletes uploads never sent in a message; returns how many."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    unsent = ChatFile.objects.filter(origin=ChatFile.Origin.UPLOAD, message_id="", created_at__lt=cutoff)
    deleted, _ = unsent.delete()
    return deleted


def _delete_bytes(name: str) -> None:
    try:
        storage().delete(name)
    except Exception:
        logger.warning("could not delete %s from the file storage", name, exc_info=True)


@receiver(post_delete, sender=ChatFile)
def _bytes_go_with_their_row(sender: Any, instance: ChatFile, **kwargs: Any) -> None:
    """Deletes a file's bytes once the deletion of its row (alone, or with its chat or its
    user) is committed; a rolled back deletion keeps them."""
    name = instance.storage_name
    transaction.on_commit(lambda: _delete_bytes(name))
