"""The Django app config: registers the system checks and the settings reloader."""

from __future__ import annotations

from django.apps import AppConfig


class ChatSessionsConfig(AppConfig):
    name = "chatsessions"
    verbose_name = "Chat sessions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import atexit

        from . import access, checks, conf, files  # noqa: F401  (registers checks and signal receivers)
        from .chat import write_all_at_exit

        atexit.register(write_all_at_exit)
        access.connect_signals()
