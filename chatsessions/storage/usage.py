"""Token use of LLM calls, summed from what the transcript keeps of each `llm` step: its
generation (ChatMessage.meta["generation"], see handler_api/generations.py), whose
input_token_count and output_token_count are the model's own usage. Per chat for the
admin, per user for chatsessions_stats; the same SQL on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import BigIntegerField, Count, OuterRef, QuerySet, Subquery, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce

from ..models import ChatMessage


def _count(name: str) -> Any:
    return Coalesce(Sum(Cast(KT(f"meta__generation__{name}"), BigIntegerField())), 0)


def llm_steps() -> QuerySet[ChatMessage]:
    """The steps that kept a generation."""
    return ChatMessage.objects.filter(role=ChatMessage.Role.STEP, meta__has_key="generation")


def chat_tokens() -> Subquery:
    """For a ChatSession queryset's annotate: the tokens its LLM calls used, in and out."""
    steps = llm_steps().filter(session=OuterRef("pk")).values("session")
    total = _count("input_token_count") + _count("output_token_count")
    return Subquery(steps.annotate(tokens=total).values("tokens")[:1])


def usage_of_chat(session_id: Any) -> dict[str, int]:
    """{"calls", "input_tokens", "output_tokens"} of one chat."""
    found = (
        llm_steps()
        .filter(session=session_id)
        .aggregate(
            calls=Count("pk"),
            input_tokens=_count("input_token_count"),
            output_tokens=_count("output_token_count"),
        )
    )
    return {name: int(value or 0) for name, value in found.items()}


def usage_by_user(since: datetime, limit: int = 20) -> list[dict[str, Any]]:
    """The users whose chats' LLM calls since then used the most tokens, most first:
    {"user", "calls", "input_tokens", "output_tokens"}."""
    rows = (
        llm_steps()
        .filter(created_at__gte=since)
        .values("session__owner__username")
        .annotate(
            calls=Count("pk"),
            input_tokens=_count("input_token_count"),
            output_tokens=_count("output_token_count"),
        )
    )
    ordered = sorted(rows, key=lambda row: -(row["input_tokens"] + row["output_tokens"]))[:limit]
    return [
        {
            "user": row["session__owner__username"] or "(anonymous)",
            "calls": row["calls"],
            "input_tokens": row["input_tokens"],
            "output_tokens": row["output_tokens"],
        }
        for row in ordered
    ]
