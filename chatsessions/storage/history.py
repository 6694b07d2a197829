"""A user's past chats: the list (newest activity first, grouped by day, searchable,
paged), a chat's older messages, renaming and deleting.

Synchronous ORM code for the JSON views (web/history_api.py) and the resume
(live/opening.py); live/replay.py turns its rows into frames. Every page is one query,
whatever the number of chats or messages: keyset paging on an index, never an OFFSET
that reads the skipped rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any
from uuid import UUID

from django.db import connections
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext

from ..models import TITLE_LENGTH, ChatMessage, ChatSession
from ..wire.protocol import UNSTORABLE
from . import persistence

#: Chats per page of the list, by default and at most.
CHATS_PER_PAGE = 30
MAX_CHATS_PER_PAGE = 100
#: Older messages per page, by default and at most.
MESSAGES_PER_PAGE = 50
MAX_MESSAGES_PER_PAGE = 200
#: The longest search text taken.
MAX_SEARCH_LENGTH = 200


class BadRequest(ValueError):
    """A parameter the list or a page cannot take; its message says which and why."""


def fold_title(text: str) -> str:
    """Returns text as a title: white space folded, characters no database stores
    replaced, cut to TITLE_LENGTH with an ellipsis."""
    folded = " ".join(UNSTORABLE.sub("\ufffd", text).split())
    if len(folded) > TITLE_LENGTH:
        folded = folded[: TITLE_LENGTH - 1].rstrip() + "…"
    return folded


def own_chats(user: Any, app: str) -> QuerySet[ChatSession]:
    """The chats of user in app; nobody else's, whoever asks (staff included)."""
    if user is None or not user.is_authenticated:
        return ChatSession.objects.none()
    return ChatSession.objects.filter(owner=user, app=app)


@dataclass(frozen=True)
class Cursor:
    """Where a page of the list ends: the last chat's activity time and id."""

    last_activity_at: datetime
    id: UUID

    def __str__(self) -> str:
        return f"{self.last_activity_at.astimezone(UTC).isoformat()}~{self.id}"

    @classmethod
    def parse(cls, text: str) -> Cursor:
        moment, _, session_id = text.partition("~")
        try:
            parsed = cls(datetime.fromisoformat(moment), UUID(session_id))
        except ValueError:
            raise BadRequest("cursor: not one this list gave") from None
        # The list gives times in UTC; another offset is not its cursor (and PostgreSQL
        # refuses offsets past ±15:59 that Python takes).
        if parsed.last_activity_at.utcoffset() != timedelta(0):
            raise BadRequest("cursor: not one this list gave")
        return parsed


SUMMARY_FIELDS = ("id", "title", "status", "started_at", "last_activity_at", "message_count")


def newest_found(chats: QuerySet[ChatSession], text: str, count: int) -> list[dict[str, Any]]:
    """The newest count of chats whose title or any message holds text, ignoring case,
    as SUMMARY_FIELDS rows, newest activity first.

    On PostgreSQL, two queries, each newest first and cut at count, merged: the chats by
    title, and the chats by a message. Without an OR between them, PostgreSQL plans the
    second as a semi-join it may run either way: walking the chats newest first and
    stopping at count (a common word), or finding the few messages that hold a rare
    word through the trigram index on UPPER(content) (migration 0012) without reading
    the others. Elsewhere (SQLite: no such index), one query with an OR, which walks the
    chats newest first, tries the title before the messages, and stops at count; a rare
    word reads every message of the user's."""
    ordered = ("-last_activity_at", "-id")
    by_title = Q(title__icontains=text)
    by_message = Exists(ChatMessage.objects.filter(session=OuterRef("pk"), content__icontains=text))
    if connections[chats.db].vendor != "postgresql":
        return list(chats.filter(by_title | by_message).order_by(*ordered).values(*SUMMARY_FIELDS)[:count])
    found: dict[Any, dict[str, Any]] = {}
    for query in (chats.filter(by_title), chats.filter(by_message)):
        for row in query.order_by(*ordered).values(*SUMMARY_FIELDS)[:count]:
            found[row["id"]] = row
    newest = sorted(found.values(), key=lambda row: (row["last_activity_at"], row["id"]), reverse=True)
    return newest[:count]


def day_group(moment: datetime, today: date, zone: tzinfo) -> str:
    """The heading a chat comes under: Today, Yesterday, Previous 7 days, Previous 30
    days, then its month."""
    day = moment.astimezone(zone).date()
    if day >= today:
        return gettext("Today")
    if day == today - timedelta(days=1):
        return gettext("Yesterday")
    if day > today - timedelta(days=7):
        return gettext("Previous 7 days")
    if day > today - timedelta(days=30):
        return gettext("Previous 30 days")
    return formats.date_format(day, "F Y")


def chat_summary(row: dict[str, Any], today: date, zone: tzinfo) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "title": row["title"],
        "status": row["status"],
        "started_at": row["started_at"].isoformat(),
        "last_activity_at": row["last_activity_at"].isoformat(),
        "message_count": row["message_count"],
        "group": day_group(row["last_activity_at"], today, zone),
    }


def chat_list(
    user: Any, app: str, *, text: str = "", after: Cursor | None = None, limit: int, zone: tzinfo
) -> dict[str, Any]:
    """One page of the user's chats in app: those with a title (from their first user
    message, a handler or a rename), newest activity first."""
    if len(text) > MAX_SEARCH_LENGTH:
        raise BadRequest(f"q: at most {MAX_SEARCH_LENGTH} characters")
    chats = own_chats(user, app).exclude(title="")
    if after is not None:
        chats = chats.filter(
            Q(last_activity_at__lt=after.last_activity_at)
            | Q(last_activity_at=after.last_activity_at, id__lt=after.id)
        )
    words = UNSTORABLE.sub("\ufffd", text).strip()
    if words:
        rows = newest_found(chats, words, limit + 1)
    else:
        rows = list(chats.order_by("-last_activity_at", "-id").values(*SUMMARY_FIELDS)[: limit + 1])
    today = timezone.now().astimezone(zone).date()
    page = rows[:limit]
    more = len(rows) > limit
    return {
        "chats": [chat_summary(row, today, zone) for row in page],
        "next": str(Cursor(page[-1]["last_activity_at"], page[-1]["id"])) if more else None,
    }


def find_chat(user: Any, app: str, session_id: UUID) -> dict[str, Any] | None:
    """The summary of one chat of the user's, or None (someone else's, or none)."""
    return own_chats(user, app).filter(pk=session_id).values(*SUMMARY_FIELDS).first()


def messages_before(session_id: Any, before: int | None, limit: int) -> tuple[list[ChatMessage], int | None]:
    """The limit messages before sequence number before (the latest ones if None), oldest
    first, and the cursor for the page before them (None at the chat's start)."""
    newest = persistence.latest_messages(session_id, before, limit + 1)
    page = list(reversed(newest[:limit]))
    return page, (page[0].sequence if len(newest) > limit else None)


def elements_of(session_id: Any, message_id: str) -> list[dict[str, Any]]:
    """The element descriptors a message or step of the chat keeps (none if it is gone)."""
    rows = ChatMessage.objects.filter(session_id=session_id, message_id=message_id)
    meta = rows.values_list("meta", flat=True).first() or {}
    return list(meta.get("elements", ()))


def rename(user: Any, app: str, session_id: UUID, title: str) -> bool:
    """Retitles a chat of the user's; returns False if there is none to retitle."""
    return own_chats(user, app).filter(pk=session_id).update(title=title) == 1


def delete(user: Any, app: str, session_id: UUID) -> bool:
    """Deletes a chat of the user's with its messages; returns False if there is none."""
    deleted, _ = own_chats(user, app).filter(pk=session_id).delete()
    return deleted > 0
