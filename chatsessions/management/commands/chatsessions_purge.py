"""manage.py chatsessions_purge: delete chats that ended more than DAYS ago."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count
from django.utils import timezone

from ...models import ChatSession


class Command(BaseCommand):
    help = "Deletes chat sessions (and their messages) that ended more than DAYS ago. Dry run unless --yes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--ended-before", type=float, required=True, metavar="DAYS")
        parser.add_argument("--yes", action="store_true", help="Delete for real; without it, only report.")

    def handle(self, *args: Any, ended_before: float, yes: bool, **options: Any) -> None:
        if ended_before < 0:
            raise CommandError("--ended-before takes a number of days, 0 or more")
        cutoff = timezone.now() - timedelta(days=ended_before)
        sessions = ChatSession.objects.filter(status=ChatSession.Status.ENDED, ended_at__lt=cutoff)
        totals = sessions.aggregate(sessions=Count("id", distinct=True), messages=Count("messages"))
        summary = (
            f"{totals['sessions']} chat session(s) with {totals['messages']} message(s) "
            f"ended before {cutoff:%Y-%m-%d %H:%M} UTC"
        )
        if not yes:
            self.stdout.write(f"Would delete {summary}. Run again with --yes to delete them.")
            return
        sessions.delete()
        self.stdout.write(self.style.SUCCESS(f"Deleted {summary}."))
