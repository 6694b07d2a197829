"""manage.py chatsessions_stats: chats by status and app, messages per day, and the
token use of LLM calls per user."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from ...models import ChatMessage, ChatSession
from ...storage import usage


class Command(BaseCommand):
    help = "Prints chat sessions by status and app, messages per day, and LLM tokens per user."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=14, help="How many days of messages to show.")

    def handle(self, *args: Any, days: int, **options: Any) -> None:
        self.stdout.write("Sessions by status and app")
        rows = ChatSession.objects.values("status", "app").annotate(n=Count("id")).order_by("app", "status")
        for session_row in rows:
            self.stdout.write(f"  {session_row['app']:<20} {session_row['status']:<14} {session_row['n']:>8}")
        if not rows:
            self.stdout.write("  (none)")
        self.stdout.write(f"Messages per day, last {days} days")
        since = timezone.now() - timedelta(days=days)
        per_day = (
            ChatMessage.objects.filter(created_at__gte=since)
            .annotate(day=TruncDate("created_at"))
            .values("day")
            .annotate(n=Count("id"))
            .order_by("day")
        )
        for day_row in per_day:
            self.stdout.write(f"  {day_row['day']:%Y-%m-%d} {day_row['n']:>8}")
        if not per_day:
            self.stdout.write("  (none)")
        self.stdout.write(f"LLM tokens per user, last {days} days (in / out, calls)")
        users = usage.usage_by_user(since)
        for user_row in users:
            self.stdout.write(
                f"  {user_row['user']:<20} {user_row['input_tokens']:>10} / {user_row['output_tokens']:<10}"
                f" {user_row['calls']:>6}"
            )
        if not users:
            self.stdout.write("  (none)")
