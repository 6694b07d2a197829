"""The socket's login middleware for a project's asgi.py (it lives in live/auth.py), and
the backends that run Chainlit apps' password_auth_callback (accounts/backends.py) and
header_auth_callback (accounts/headers.py)."""

from .accounts.backends import PasswordCallbackBackend
from .accounts.headers import HeaderCallbackBackend
from .live.auth import ChatAuthMiddlewareStack

__all__ = ["ChatAuthMiddlewareStack", "HeaderCallbackBackend", "PasswordCallbackBackend"]
