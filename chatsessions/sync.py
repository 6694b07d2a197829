"""chainlit.sync's path: `from chatsessions.sync import make_async, run_sync` (they live
in handler_api/sync.py)."""

from .handler_api.sync import make_async, run_sync

__all__ = ["make_async", "run_sync"]
