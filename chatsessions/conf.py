"""The CHATSESSIONS settings dict, merged with documented defaults."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

#: Every setting the app reads, with its default. docs/settings.md documents each one.
DEFAULTS: dict[str, Any] = {
    # Chat app name -> dotted path of its handler module. "default" is served at
    # /ws/chat/, any other name N at /ws/chat/N/.
    "APPS": {},
    # Refuse sockets without a logged-in Django user (close code 4401) unless True.
    "ALLOW_ANONYMOUS": False,
    # Transcript and store snapshots are written in batches at most this long after a
    # handler; 0 writes after every handler, before the next one runs.
    "WRITE_DELAY_SECONDS": 0.1,
    # How long a disconnected chat waits for its client to resume before it ends.
    "RESUME_GRACE_SECONDS": 300.0,
    # How long a new socket may take to send its start frame (then close 4400).
    "START_TIMEOUT_SECONDS": 10.0,
    # Text frames longer than this (in UTF-8 bytes) are refused with frame_too_large.
    "MAX_FRAME_BYTES": 64 * 1024,
    # What one socket may send per INBOUND_WINDOW_SECONDS, in bytes (a frame counts at
    # least 256) and in frames: past either, frames are refused (rate_limited); past
    # twice either, the socket is closed with 4429 and dropped a second later.
    "INBOUND_BYTES_PER_WINDOW": 1024 * 1024,
    "INBOUND_FRAMES_PER_WINDOW": 1000,
    "INBOUND_WINDOW_SECONDS": 10.0,
    # A socket whose client does not read is closed (4429) once the server holds this
    # many bytes unsent for it (daphne buffers without end; uvicorn waits instead).
    "MAX_UNSENT_BYTES": 4 * 1024 * 1024,
    # Messages waiting behind the running handler; more are refused with "flood".
    "MAX_PENDING_MESSAGES": 20,
    # A socket checks that its login still holds (user active, same password, session
    # not logged out) at its first frame this long after the last check. Changes saved
    # through Django's signals reach open chats at once, without waiting for this.
    "AUTH_RECHECK_SECONDS": 60.0,
    # The longest a Chainlit auth callback (password_auth_callback, on_logout) may take;
    # past it the login is refused (and logged).
    "AUTH_CALLBACK_TIMEOUT_SECONDS": 10.0,
    "DATA_LAYER_TIMEOUT_SECONDS": 10.0,
    # Whether HeaderAuthMiddleware shows requests' headers to the apps' header_auth_callback:
    # only behind a proxy that sets those headers and strips them from what clients send.
    "HEADER_AUTH": False,
    # Every worker process records that it is alive this often, and ends the chats of a
    # worker silent for 3 beats once they have been idle RESUME_GRACE_SECONDS (on_chat_end
    # runs once, here). `manage.py chatsessions_reap` does the same from cron.
    "HEARTBEAT_SECONDS": 30.0,
    # A resume may name a chat that has ended (by the user, the server or the grace
    # timer): it continues with its store and history, on_chat_resume runs, and
    # on_chat_end runs again at its next end. False answers such a resume with
    # resume_unavailable and a new chat.
    "REOPEN_ENDED_CHATS": True,
    # How many past messages a resumed chat replays.
    "HISTORY_LIMIT": 200,
    # Send a handler exception's message to the client (True in DEBUG by default).
    "EXPOSE_HANDLER_ERRORS": None,
    # The Content-Security-Policy of the chat page, where other people's text (model
    # output, file names) is shown: scripts and styles of the site only, none inline;
    # images and PDFs a handler names by URL from http(s) anywhere (and from blob: URLs:
    # an embedded chat fetches its files with its key). A project whose
    # override of the page's template adds inline script or style loosens it here; None
    # sends none (a project whose middleware sets its own).
    "CONTENT_SECURITY_POLICY": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob: http: https:;"
        " frame-src 'self' blob: http: https:; media-src 'self' blob:; connect-src 'self';"
        " object-src 'none'; base-uri 'none';"
        " form-action 'self'; frame-ancestors 'self'"
    ),
    # The largest request body any HTTP path takes, in bytes, unless its view declares
    # its own (chatsessions.bodies.max_body_bytes; the upload endpoint takes a message's
    # files). A larger one is answered 413 before it is read (see RequestBodyLimit).
    "MAX_REQUEST_BYTES": 10 * 1024 * 1024,
    # Files (uploads and the elements handlers send): the name in Django's STORAGES that
    # keeps their bytes, and the limits on what users upload. A file is at most
    # MAX_FILE_BYTES, a message has at most MAX_FILES_PER_MESSAGE files together at most
    # MAX_MESSAGE_FILE_BYTES, and a user keeps at most MAX_USER_FILE_BYTES of uploads.
    "FILE_STORAGE": "default",
    "MAX_FILE_BYTES": 20 * 1024 * 1024,
    "MAX_FILES_PER_MESSAGE": 10,
    "MAX_MESSAGE_FILE_BYTES": 50 * 1024 * 1024,
    "MAX_USER_FILE_BYTES": 1024 * 1024 * 1024,
    # The types users may upload: types ("text/csv"), families ("image/*") or extensions
    # (".csv"); ["*/*"] takes any (files of types not shown inline download instead).
    "UPLOAD_TYPES": ["*/*"],
    # An upload never sent in a message is deleted this long after (chatsessions_reap).
    "UNSENT_UPLOAD_SECONDS": 24 * 3600.0,
    # The chat embedded in other sites' pages (the copilot widget on another origin; see
    # accounts/embed.py): the origins (scheme://host[:port]) whose pages may frame it and
    # hand it a login; the key their backends send to ask for embed tokens over HTTP
    # (None: that endpoint is off, embed_token() in Python still works); how long a token
    # lives before its page's chat trades it for a login.
    "EMBED_ORIGINS": [],
    "EMBED_KEY": None,
    "EMBED_TOKEN_SECONDS": 300.0,
}


# Fixed timings, not settings: named here, in one place.

#: How long a chat asked to hand over to another process waits for its queued handlers.
RELEASE_WAIT_SECONDS = 2.0
#: How long a resume waits for another process to hand the chat over.
HANDOVER_WAIT_SECONDS = 3.0
#: After a failed database write, the next try comes after this long, doubling up to the
#: maximum. (The channel layer is tried every control.LAYER_RETRY_SECONDS.)
RETRY_FIRST_SECONDS, RETRY_MAX_SECONDS = 0.5, 30.0
#: How long the admin's End action waits to see the chat's worker confirm it ended.
END_CONFIRM_SECONDS = 3.0
#: A worker silent for this many heartbeats is taken for dead.
MISSED_BEATS = 3
#: A chat gives the event loop a turn after this many frames (see LiveChat.send).
FRAMES_BETWEEN_YIELDS = 32


@cache
def get_config() -> dict[str, Any]:
    """Returns the CHATSESSIONS settings merged over DEFAULTS."""
    user_config = getattr(settings, "CHATSESSIONS", {})
    config = dict(DEFAULTS)
    if isinstance(user_config, dict):
        config.update(user_config)
    if config["EXPOSE_HANDLER_ERRORS"] is None:
        config["EXPOSE_HANDLER_ERRORS"] = settings.DEBUG
    return config


@receiver(setting_changed)
def _reload_config(*, setting: str, **kwargs: Any) -> None:
    if setting in ("CHATSESSIONS", "DEBUG"):
        get_config.cache_clear()
