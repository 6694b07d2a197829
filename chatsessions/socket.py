"""chainlit.socket's path for persist_user_session (it lives in handler_api/data_layer.py)."""

from .handler_api.data_layer import persist_user_session

__all__ = ["persist_user_session"]
