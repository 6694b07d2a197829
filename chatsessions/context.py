"""chainlit.context's path: `from chatsessions.context import context` (it lives in
handler_api/context.py)."""

from .handler_api.context import ChatContext, context

__all__ = ["ChatContext", "context"]
