"""The database outage middleware for a project's MIDDLEWARE (it lives in web/middleware.py)."""

from .web.middleware import DatabaseUnavailableMiddleware

__all__ = ["DatabaseUnavailableMiddleware"]
