"""Request body limits for a project's asgi.py and views (they live in web/bodies.py)."""

from .web.bodies import RequestBodyLimit, max_body_bytes

__all__ = ["RequestBodyLimit", "max_body_bytes"]
