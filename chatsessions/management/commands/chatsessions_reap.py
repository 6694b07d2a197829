"""manage.py chatsessions_reap: end the chats whose worker process died, and delete the
uploads never sent in a message."""

from __future__ import annotations

import asyncio
from typing import Any

from django.core.management.base import BaseCommand

from ...conf import get_config
from ...live.lease import end_orphans, lease_seconds
from ...storage.files import forget_unsent


class Command(BaseCommand):
    help = (
        "Ends the chats whose worker stopped beating (HEARTBEAT_SECONDS) and that have been idle "
        "RESUME_GRACE_SECONDS, running on_chat_end once for each. Live workers do this too; "
        "run it from cron where a deployment may have no worker up. Also deletes the uploads "
        "never sent in a message within UNSENT_UPLOAD_SECONDS."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        async def reap() -> int:
            chats = await end_orphans()
            await asyncio.gather(*(chat.jobs.idle() for chat in chats))
            return len(chats)

        count = asyncio.run(reap())
        self.stdout.write(f"Ended {count} chat(s) whose worker stopped more than {lease_seconds():g}s ago.")
        unsent = forget_unsent(get_config()["UNSENT_UPLOAD_SECONDS"])
        self.stdout.write(f"Deleted {unsent} upload(s) never sent in a message.")
