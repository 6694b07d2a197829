"""manage.py demo: migrate, create the demo users, print their login, run the server."""

from __future__ import annotations

import os
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

DEMO_USERS = [("alice", False), ("bob", False), ("admin", True)]


class Command(BaseCommand):
    help = "Sets up the demo database and users, then serves the demo with daphne."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-serve", action="store_true", help="Set up only; do not run the server.")
        parser.add_argument("--noreload", action="store_true", help="Serve without the autoreloader.")

    def handle(self, *args: Any, addrport: str, no_serve: bool, noreload: bool, **options: Any) -> None:
        # The autoreloader runs this command again in a child process (RUN_MAIN=true):
        # the parent has set up and printed already.
        if os.environ.get("RUN_MAIN") != "true":
            self.set_up(addrport)
        if not no_serve:
            call_command("runserver", addrport, use_reloader=not noreload)

    def set_up(self, addrport: str) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        password = os.environ.get("DEMO_PASSWORD", "chatsessions-demo")
        User = get_user_model()
        for username, staff in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.is_staff = user.is_superuser = staff
            user.set_password(password)
            user.save()
        self.stdout.write(
            self.style.SUCCESS(
                f"\nDemo ready at http://{addrport}/\n"
                f"  log in as alice or bob (admin for /admin/), password: {password}\n"
                f"  WebSocket: ws://{addrport}/ws/chat/\n"
            )
        )
