"""Testing chat handlers: ChatClient drives a chat as the page does, in process or against
a live server, async (`async with`) or sync (`with`). See the README's "Testing your
handlers"; the pytest plugin (chatsessions.pytest_plugin) adds fixtures."""

from .client import ChatClient, SyncChatClient
from .turns import ChatClosed, ChatError, ChatTestError, HandlerError, NoReply, Reply, Turn

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
]
