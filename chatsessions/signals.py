"""Signals a project can connect to: a chat started, resumed or ended, a message received,
feedback given.

Each is sent with sender=ChatSession and the keyword arguments session_id (str), app
(the chat app's name) and user (None for an anonymous chat); message_received also
has message (the chatsessions.Message), feedback_received message_id, value (1 for
thumbs up, 0 for down) and comment. Receivers may be sync or async; one that
raises is logged and does not disturb the chat.
"""

from __future__ import annotations

import logging
from typing import Any

from django.dispatch import Signal

logger = logging.getLogger("chatsessions")

session_started = Signal()
session_resumed = Signal()
session_ended = Signal()
message_received = Signal()
feedback_received = Signal()


async def send(signal: Signal, **kwargs: Any) -> None:
    """Sends signal with sender=ChatSession, logging what its receivers raise."""
    if not signal.receivers:
        return  # the usual case, on the per-message path: nothing to build or await
    from .models import ChatSession

    try:
        results = await signal.asend_robust(sender=ChatSession, **kwargs)
    except (SystemExit, KeyboardInterrupt, GeneratorExit):
        # asend_robust catches Exception only; a receiver must not stop the server either.
        logger.exception("a receiver of %r tried to stop the process", signal)
        return
    for receiver, result in results:
        if isinstance(result, Exception):
            logger.error("signal receiver %r failed", receiver, exc_info=result)
