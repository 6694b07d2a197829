"""The middleware for a project's MIDDLEWARE: the database outage one (it lives in
web/middleware.py), and the one that runs Chainlit apps' header_auth_callback
(accounts/headers.py)."""

from .accounts.headers import HeaderAuthMiddleware
from .web.middleware import DatabaseUnavailableMiddleware

__all__ = ["DatabaseUnavailableMiddleware", "HeaderAuthMiddleware"]
