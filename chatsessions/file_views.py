"""The HTTP side of chat files: the upload endpoint of a chat, and the file view that
serves a file only to its owner and to staff.

Uploads are multipart POSTs (fields named "file"), session-authenticated and
CSRF-protected, answered with JSON. Files are served with a Content-Disposition, nosniff
and a sandboxing Content-Security-Policy; a type not in files.INLINE_TYPES is always a
download, so that no HTML or SVG a user uploaded runs from the site's origin.
"""

from __future__ import annotations

import logging
from uuid import UUID

from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_POST

from . import files, history
from .conf import get_config
from .models import ChatFile

logger = logging.getLogger("chatsessions")

#: What a multipart body may carry besides the files themselves (boundaries, headers).
_MULTIPART_OVERHEAD = 64 * 1024

# The file's own page may show an image or text, nothing more: no script, no form.
_SANDBOX = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"


def _problem(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"error": code, "detail": detail}, status=status)


@csrf_protect
@require_POST
def upload(request: HttpRequest, app: str, session_id: UUID) -> HttpResponse:
    """POST files (multipart, fields named "file") to a chat of the user's: answers 201
    with {"files": [...]}, each with the id a message frame names it by."""
    if not request.user.is_authenticated:
        return _problem(403, "not_logged_in", "log in to attach files")
    config = get_config()
    if app not in config["APPS"]:
        return _problem(404, "unknown_app", f"no chat app named {app!r}")
    if not history.own_chats(request.user, app).filter(pk=session_id).exists():
        return _problem(404, "not_found", "no such chat of yours")
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if declared.isdigit() and int(declared) > config["MAX_MESSAGE_FILE_BYTES"] + _MULTIPART_OVERHEAD:
        return _problem(
            413,
            "message_too_large",
            f"the files of one message are limited to {files.mebibytes(config['MAX_MESSAGE_FILE_BYTES'])}",
        )
    uploaded = request.FILES.getlist("file")
    try:
        rows = files.keep_uploads(request.user, session_id, [(item.name or "", item) for item in uploaded])
    except files.Refused as refused:
        return _problem(refused.status, refused.code, refused.detail)
    finally:
        for item in uploaded:
            item.close()
    return JsonResponse({"files": files.with_urls([files.descriptor(row) for row in rows])}, status=201)


def _staff_may_read(request: HttpRequest) -> bool:
    return request.user.is_staff and request.user.has_perm("chatsessions.view_chatfile")


@xframe_options_sameorigin  # the page shows a PDF in a frame of its own origin
@require_GET
def download(request: HttpRequest, file_id: UUID) -> HttpResponseBase:
    """GET a file: to its owner, and to staff who may view chat files in the admin; to
    anyone else 404, as if there were none. ?download=1 asks for a download even of a
    type the browser would show."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    row = ChatFile.objects.filter(pk=file_id).first()
    if row is None or not (row.owner_id == request.user.pk or _staff_may_read(request)):
        raise Http404("no such file")
    try:
        opened = files.storage().open(row.storage_name, "rb")
    except (FileNotFoundError, OSError):
        logger.warning("file %s (%s) is missing from the storage", row.pk, row.storage_name)
        raise Http404("no such file") from None
    inline = row.mime in files.INLINE_TYPES and not request.GET.get("download")
    response = FileResponse(
        opened,
        as_attachment=not inline,
        filename=row.name,
        content_type=row.mime if inline else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    if row.mime != "application/pdf":  # a sandboxed page gets no PDF viewer
        response["Content-Security-Policy"] = _SANDBOX
    response["Cache-Control"] = "private, max-age=3600"
    return response
