"""Django admin pages for chats; Django's admin finds them here (they live in web/admin.py)."""

from .web import admin  # noqa: F401  (registers the ModelAdmins)
