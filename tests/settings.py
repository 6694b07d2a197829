"""Test settings: the demo project's, plus the test chat apps and quick timers."""

import os
import tempfile

# Chat files of every test process (and of the servers they start) go to one folder.
os.environ.setdefault("DJANGO_CHAT_FILES", os.path.join(tempfile.gettempdir(), "chatsessions-test-files"))

from chatsite.settings import *  # noqa: F403
from tests.chat_apps import CUSTOM_ELEMENT_DIRS, INTERACTIVE_APPS

# Django's own users first, then the chat apps' password_auth_callbacks.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "chatsessions.auth.PasswordCallbackBackend",
]

# The modules of the test apps' custom elements (static files elements/<name>.js).
STATICFILES_DIRS = CUSTOM_ELEMENT_DIRS

CHATSESSIONS = {
    "APPS": {
        "default": "chatsite.chat.counter",
        "assistant": "chatsite.chat.assistant",
        "copilot": "chatsite.chat.copilot",
        "probe": "tests.chat_apps.probe",
        "sync": "tests.chat_apps.sync_handlers",
        "bare": "tests.chat_apps.bare",
        "broken-profiles": "tests.chat_apps.broken_profiles",
        **INTERACTIVE_APPS,
    },
    "RESUME_GRACE_SECONDS": 30,
    "START_TIMEOUT_SECONDS": 2,
    "MAX_FRAME_BYTES": 4096,
    "MAX_PENDING_MESSAGES": 5,
    "EXPOSE_HANDLER_ERRORS": True,
    "FILE_STORAGE": "chatfiles",
}

# Tests that set CHATSESSIONS without FILE_STORAGE keep their files in the default storage.
MEDIA_ROOT = os.environ["DJANGO_CHAT_FILES"]

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared-cache memory: chats and views write from several threads, and
    # only a file database waits for a lock (as in production) instead of failing at once.
    import tempfile

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"chatsessions-tests-{os.getpid()}.sqlite3")  # noqa: F405
    }

# Propagated, so that pytest's caplog sees what chatsessions logs.
LOGGING = {"version": 1, "disable_existing_loggers": False, "loggers": {"chatsessions": {"level": "INFO"}}}
