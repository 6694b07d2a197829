"""chainlit.types' path for what on_chat_resume is given and what a data layer is written
with: `from chatsessions.types import ThreadDict, Feedback, ...` (they live in
handler_api/threads.py and handler_api/data_layer.py)."""

from .handler_api.data_layer import Feedback, PageInfo, PaginatedResponse, Pagination, ThreadFilter
from .handler_api.threads import ThreadDict

__all__ = ["Feedback", "PageInfo", "PaginatedResponse", "Pagination", "ThreadDict", "ThreadFilter"]
