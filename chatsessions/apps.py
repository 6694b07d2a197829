"""The Django app config: registers the system checks and the settings reloader, and puts
the request-body and socket limits into daphne when daphne serves."""

from __future__ import annotations

from django.apps import AppConfig


class ChatSessionsConfig(AppConfig):
    name = "chatsessions"
    verbose_name = "Chat sessions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import atexit
        import sys

        from .accounts import logins  # noqa: F401  (connects its signal receivers)
        from .live import access, data_feed  # noqa: F401  (data_feed: a receiver of deletions)
        from .live.chat import write_all_at_exit
        from .storage import files  # noqa: F401  (registers checks and signal receivers)

        atexit.register(write_all_at_exit)
        access.connect_signals()
        if "daphne.server" in sys.modules:  # daphne (or its runserver) is serving this project
            from .web import daphne_limits

            daphne_limits.install()
