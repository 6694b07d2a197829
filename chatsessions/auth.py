"""The socket's login middleware for a project's asgi.py (it lives in live/auth.py), and
the backend that runs Chainlit apps' password_auth_callback (accounts/backends.py)."""

from .accounts.backends import PasswordCallbackBackend
from .live.auth import ChatAuthMiddlewareStack

__all__ = ["ChatAuthMiddlewareStack", "PasswordCallbackBackend"]
