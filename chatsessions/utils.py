"""chainlit.utils' path for utc_now, which Chainlit apps use for createdAt (it lives in
handler_api/threads.py)."""

from .handler_api.threads import utc_now

__all__ = ["utc_now"]
