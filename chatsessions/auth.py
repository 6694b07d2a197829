"""The socket's login middleware for a project's asgi.py (it lives in live/auth.py)."""

from .live.auth import ChatAuthMiddlewareStack

__all__ = ["ChatAuthMiddlewareStack"]
