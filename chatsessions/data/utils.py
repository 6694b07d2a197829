"""chainlit.data.utils' path for queue_until_user_message."""

from ..handler_api.data_layer import queue_until_user_message

__all__ = ["queue_until_user_message"]
