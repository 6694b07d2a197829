"""manage.py chatsessions_reap: end the chats whose worker process died."""

from __future__ import annotations

import asyncio
from typing import Any

from django.core.management.base import BaseCommand

from chatsessions.lease import end_orphans, lease_seconds


class Command(BaseCommand):
    help = (
        "Ends the chats whose worker stopped beating (HEARTBEAT_SECONDS) and that have been idle "
        "RESUME_GRACE_SECONDS, running on_chat_end once for each. Live workers do this too; "
        "run it from cron where a deployment may have no worker up."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        async def reap() -> int:
            chats = await end_orphans()
            await asyncio.gather(*(chat.jobs.idle() for chat in chats))
            return len(chats)

        count = asyncio.run(reap())
        self.stdout.write(f"Ended {count} chat(s) whose worker stopped more than {lease_seconds():g}s ago.")
