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
from django.core.exceptions import SuspiciousFileOperation, SuspiciousOperation, TooManyFilesSent
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from ..conf import get_config
from ..models import ChatFile
from ..storage import files
from .bodies import max_body_bytes
from .errors import HttpError, Problem, answer, answers_json
from .guards import (
    accept_frame_key,
    require_app,
    require_csrf_token,
    require_login,
    require_method,
    require_own_chat,
)

logger = logging.getLogger("chatsessions")

#: What a multipart body may carry besides the files themselves (boundaries, headers).
_MULTIPART_OVERHEAD = 64 * 1024

# The file's own page may show an image or text, nothing more: no script, no form; and
# only the site's own pages may frame it. A PDF gets no sandbox (the browser's PDF viewer
# would not run in one), and the browser's viewer runs no script of the file's.
_SANDBOX = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"
_PDF_POLICY = "frame-ancestors 'self'"


def upload_limit() -> int:
    """The largest body the upload endpoint reads: a message's files and their multipart."""
    return int(get_config()["MAX_MESSAGE_FILE_BYTES"]) + _MULTIPART_OVERHEAD


@max_body_bytes(upload_limit)
@answers_json
@csrf_exempt  # checked inside (guards.py): Django's own check would answer in HTML
def upload(request: HttpRequest, app: str, session_id: UUID) -> HttpResponse:
    """POST files (multipart, fields named "file") to a chat of the user's: answers 201
    with {"files": [...]}, each with the id a message frame names it by. Every refusal
    is JSON in errors.py's shape."""
    require_method(request, "POST")
    accept_frame_key(request)
    require_login(request, _("log in to attach files"))
    config = get_config()
    try:
        require_csrf_token(request)  # reads the body
        uploaded = request.FILES.getlist("file")
    except TooManyFilesSent:
        raise Problem(
            HttpError.TOO_MANY_FILES, f"at most {config['MAX_FILES_PER_MESSAGE']} files at a time"
        ) from None
    except SuspiciousFileOperation as error:  # a file name Django will not take, such as a long one
        raise Problem(HttpError.INVALID_FILE_NAME, str(error)) from None
    except (SuspiciousOperation, MultiPartParserError) as error:
        raise Problem(HttpError.INVALID_UPLOAD, f"not a multipart body of files: {error}") from None
    require_app(app)
    require_own_chat(request, app, session_id)
    try:
        rows = files.keep_uploads(request.user, session_id, [(item.name or "", item) for item in uploaded])
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
    type the browser would show. An embedded chat's page asks with its frame key."""
    try:
        accept_frame_key(request)
    except Problem as problem:
        return answer(problem.code, problem.detail)
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
    response["Content-Security-Policy"] = (
        _PDF_POLICY if inline and row.mime == "application/pdf" else _SANDBOX
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response
