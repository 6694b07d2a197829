"""Settings of the worker processes the scale tests start: the demo's, plus the probe app."""

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
        **INTERACTIVE_APPS,
    },
    "RESUME_GRACE_SECONDS": 3,
    "WRITE_DELAY_SECONDS": float(os.environ.get("CHATSESSIONS_TEST_WRITE_DELAY", "0.1")),
    "AUTH_RECHECK_SECONDS": float(os.environ.get("CHATSESSIONS_TEST_AUTH_RECHECK", "60")),
    "HEARTBEAT_SECONDS": float(os.environ.get("CHATSESSIONS_TEST_HEARTBEAT", "30")),
    "INBOUND_BYTES_PER_WINDOW": int(os.environ.get("CHATSESSIONS_TEST_INBOUND_BYTES", str(1024 * 1024))),
    "EXPOSE_HANDLER_ERRORS": True,
    "FILE_STORAGE": "chatfiles",
    "EMBED_ORIGINS": CHATSESSIONS["EMBED_ORIGINS"],  # noqa: F405 (the demo's, from the environment)
    "EMBED_KEY": CHATSESSIONS["EMBED_KEY"],  # noqa: F405
}

# The test client sends a fixed Cookie header, so admin messages ride in the session.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
