"""Testing chat handlers: ChatClient drives a chat as the page does, in process or against
a live server, async (`async with`) or sync (`with`). See docs/testing.md; the pytest
plugin (chatsessions.pytest_plugin) adds fixtures.

May import: conf, models, handler_api, live, storage, web, wire.
"""

import os
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import SyncToAsync

from .client import ChatClient, SyncChatClient
from .turns import ChatClosed, ChatError, ChatTestError, HandlerError, NoReply, Reply, Turn
from .uploads import UploadRefused


def _fresh_executor_in_a_forked_child() -> None:
    # asgiref runs every thread-sensitive database call on one executor thread. A process
    # forked after a chat (or any database_sync_to_async) ran, such as the daphne of
    # Channels' ChannelsLiveServerTestCase, inherits that executor but not its thread:
    # its first database call would wait for ever, and daphne drop the handshake.
    SyncToAsync.single_thread_executor = ThreadPoolExecutor(max_workers=1)


os.register_at_fork(after_in_child=_fresh_executor_in_a_forked_child)

__all__ = [
    "ChatClient",
    "ChatClosed",
    "ChatError",
    "ChatTestError",
    "HandlerError",
    "NoReply",
    "Reply",
    "SyncChatClient",
    "Turn",
    "UploadRefused",
]
