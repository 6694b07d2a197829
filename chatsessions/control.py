"""Server-side control of chats for a project's own code: end one, post a notice, from any
process (the channel layer's side lives in live/control.py)."""

from .live.control import NotSentNow, aend_chat, asend_notice, end_chat, group_name, send_notice

__all__ = ["NotSentNow", "aend_chat", "asend_notice", "end_chat", "group_name", "send_notice"]
