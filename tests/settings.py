"""Test settings: the demo project's, plus the test chat apps and quick timers."""

from chatsite.settings import *  # noqa: F403

CHATSESSIONS = {
    "APPS": {
        "default": "chatsite.chat.counter",
        "assistant": "chatsite.chat.assistant",
        "probe": "tests.chat_apps.probe",
        "sync": "tests.chat_apps.sync_handlers",
        "bare": "tests.chat_apps.bare",
    },
    "RESUME_GRACE_SECONDS": 30,
    "START_TIMEOUT_SECONDS": 2,
    "MAX_FRAME_BYTES": 4096,
    "MAX_PENDING_MESSAGES": 5,
    "EXPOSE_HANDLER_ERRORS": True,
}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
