"""chainlit.data's path: `import chatsessions.data as cl_data` gives BaseDataLayer and
queue_until_user_message (they live in handler_api/data_layer.py; live/data_feed.py
makes the calls).

May import: handler_api.
"""

from ..handler_api.data_layer import BaseDataLayer, queue_until_user_message

__all__ = ["BaseDataLayer", "queue_until_user_message"]
