"""App config of the demo project, so its management commands and templates load."""

from django.apps import AppConfig


class ChatsiteConfig(AppConfig):
    name = "chatsite"
    verbose_name = "Chat site demo"
