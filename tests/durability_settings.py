"""Settings of the servers the durability tests stop: a long write delay, so that only
the shutdown can have written what they find."""

import os

from chatsite.settings import *  # noqa: F403

CHATSESSIONS = {
    "APPS": {"default": "chatsite.chat.counter"},
    "WRITE_DELAY_SECONDS": float(os.environ.get("CHATSESSIONS_TEST_WRITE_DELAY", "0.1")),
}
