"""chainlit.types' path for what on_chat_resume is given: `from chatsessions.types import
ThreadDict` (it lives in handler_api/threads.py)."""

from .handler_api.threads import ThreadDict

__all__ = ["ThreadDict"]
