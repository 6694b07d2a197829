"""Django admin pages to inspect chat sessions and their transcripts (read-only)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import ChatMessage, ChatSession


class ChatMessageInline(admin.TabularInline):
    model = ChatMessage
    fields = ("sequence", "role", "author", "content", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("sequence",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ChatSession)
class ChatSessionAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "owner",
        "app",
        "chat_profile",
        "status",
        "started_at",
        "last_activity_at",
        "message_count",
    )
    list_filter = ("status", "app", "chat_profile", "started_at")
    list_select_related = ("owner",)
    search_fields = ("id", "owner__username", "owner__email")
    readonly_fields = [field.name for field in ChatSession._meta.fields]
    inlines = [ChatMessageInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
