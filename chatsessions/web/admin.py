"""Django admin pages: inspect chat sessions and their transcripts, end a chat, post a notice."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from ..conf import END_CONFIRM_SECONDS
from ..live import control
from ..models import ChatFeedback, ChatFile, ChatMessage, ChatSession, UserMetadata
from ..storage import usage
from ..storage.files import url_of, with_urls

logger = logging.getLogger("chatsessions")

#: What became of a control event the admin sent (see ChatSessionAdmin._reached).
SENT, RECORDED = "sent", "recorded"

ENV_MASK = "••••••••"


def pretty_json(value: Any) -> str:
    return format_html(
        "<pre class='chatsessions-json'>{}</pre>",
        json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False),
    )


def key_list(template: str, pairs: list[tuple[str, str]]) -> str:
    return format_html_join(", ", template, pairs) if pairs else "—"


def _feedback_on_message(value: int) -> Subquery:
    """How many users gave value on the message of the row (0 thumbs down, 1 up)."""
    given = ChatFeedback.objects.filter(
        session=OuterRef("session"), message_id=OuterRef("message_id"), value=value
    )
    return Subquery(given.values("message_id").annotate(n=Count("pk")).values("n")[:1])


class ChatMessageInline(admin.TabularInline):
    model = ChatMessage
    fields = ("sequence", "role", "author", "content", "files", "step", "feedback", "created_at")
    readonly_fields = fields
    ordering = ("sequence",)
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[ChatMessage]:
        # Each message's feedback counted in the one query of the transcript.
        return (
            super()
            .get_queryset(request)
            .annotate(thumbs_up=_feedback_on_message(1), thumbs_down=_feedback_on_message(0))
        )

    @admin.display(description="step")
    def step(self, obj: ChatMessage) -> str:
        """A step's type, parent and input; an error marked."""
        if obj.role != ChatMessage.Role.STEP or not obj.meta:
            return "—"
        meta = obj.meta
        parent = f", in {meta['parent_id'][:8]}" if meta.get("parent_id") else ""
        error = " ERROR" if meta.get("is_error") else ""
        shown = format_html(
            "{}{}{} <small>{}</small><br><code>{}</code>",
            meta.get("step_type", ""),
            parent,
            error,
            obj.message_id[:8],
            str(meta.get("input", ""))[:300],
        )
        generation = meta.get("generation")
        if not isinstance(generation, dict):
            return shown
        return format_html(
            "{}<br>{} · {} in, {} out · first token {} ms · {} s{}"
            "<details><summary>prompt and completion</summary>{}{}</details>",
            shown,
            generation.get("model") or "?",
            generation.get("input_token_count", "?"),
            generation.get("output_token_count", "?"),
            generation.get("tt_first_token", "—"),
            generation.get("duration", "?"),
            format_html(" · <strong>{}</strong>", generation["error"]) if generation.get("error") else "",
            pretty_json(generation.get("messages") or generation.get("prompt")),
            pretty_json(generation.get("message_completion") or generation.get("completion")),
        )

    @admin.display(description="files")
    def files(self, obj: ChatMessage) -> str:
        """The files and elements of a message, each a link to the file view (staff may read)."""
        elements = (obj.meta or {}).get("elements") or []
        if not elements:
            return "—"
        return format_html_join(
            mark_safe("<br>"),
            "<a href='{}' target='_blank' rel='noopener'>{}</a> <small>{} {}</small>",
            (
                (
                    item["url"],
                    item["name"],
                    item.get("type", ""),
                    filesizeformat(item["size"]) if "size" in item else "",
                )
                for item in with_urls(elements)
            ),
        )

    @admin.display(description="feedback")
    def feedback(self, obj: ChatMessage) -> str:
        up, down = getattr(obj, "thumbs_up", None) or 0, getattr(obj, "thumbs_down", None) or 0
        if not up and not down:
            return "—"
        comments = ChatFeedback.objects.filter(session=obj.session_id, message_id=obj.message_id).exclude(
            comment=""
        )
        said = format_html_join("", "<br>“{}”", ((c,) for c in comments.values_list("comment", flat=True)))
        return format_html("up {} · down {}{}", up, down, said)


class FeedbackFilter(admin.SimpleListFilter):
    """Sessions whose messages got thumbs down (or up) from their users."""

    title = "feedback"
    parameter_name = "feedback"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("negative", "some thumbs down"), ("positive", "some thumbs up"), ("any", "any feedback")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[ChatSession]) -> QuerySet[ChatSession]:
        values = {"negative": [0], "positive": [1], "any": [0, 1]}.get(self.value() or "")
        if values is None:
            return queryset
        given = ChatFeedback.objects.filter(session=OuterRef("pk"), value__in=values)
        return queryset.filter(Exists(given))


class NoticeForm(forms.Form):
    content = forms.CharField(label="Notice", widget=forms.Textarea(attrs={"rows": 3}), max_length=10_000)


@admin.register(ChatSession)
class ChatSessionAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "title",
        "owner",
        "app",
        "chat_profile",
        "status",
        "started_at",
        "last_activity_at",
        "message_count",
        "tokens",
    )
    list_filter = ("status", "app", "chat_profile", FeedbackFilter, "started_at")
    list_select_related = ("owner",)
    list_per_page = 100
    search_fields = ("title", "owner__username", "owner__email")
    search_help_text = "Title, username, email or session id"
    ordering = ("-started_at",)
    date_hierarchy = "started_at"
    actions = ("end_sessions",)
    inlines = (ChatMessageInline,)
    change_form_template = "admin/chatsessions/chatsession/change_form.html"
    detail_sections: tuple[tuple[str | None, tuple[str, ...]], ...] = (
        (None, ("id", "title", "owner", "app", "chat_profile", "status")),
        ("Activity", ("started_at", "last_activity_at", "ended_at", "message_count", "token_use")),
        ("Store (the app's own keys)", ("store_snapshot", "not_persisted")),
        ("Reserved keys", ("reserved_keys",)),
        ("Settings and env", ("settings_values", "env_names")),
    )
    fieldsets = tuple((title, {"fields": names}) for title, names in detail_sections)
    readonly_fields = tuple(name for _, names in detail_sections for name in names)

    # -- read-only: staff inspect, the chats write ------------------------------------------

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[ChatSession], search_term: str
    ) -> tuple[QuerySet[ChatSession], bool]:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            # A session id, or the start of one: matched on its text, whatever the database.
            results |= queryset.filter(id__istartswith=term.replace("-", "")) | queryset.filter(
                id__istartswith=term
            )
        return results, may_have_duplicates

    def get_queryset(self, request: HttpRequest) -> QuerySet[ChatSession]:
        return super().get_queryset(request).annotate(llm_tokens=usage.chat_tokens())

    @admin.display(description="tokens", ordering="llm_tokens")
    def tokens(self, obj: ChatSession) -> int:
        """What its LLM calls used, in and out (see storage/usage.py)."""
        return getattr(obj, "llm_tokens", None) or 0

    # -- the detail page --------------------------------------------------------------------

    @admin.display(description="Token use")
    def token_use(self, obj: ChatSession) -> str:
        used = usage.usage_of_chat(obj.pk)
        if not used["calls"]:
            return "—"
        return format_html(
            "{} LLM calls: {} tokens in, {} out", used["calls"], used["input_tokens"], used["output_tokens"]
        )

    @admin.display(description="Snapshot")
    def store_snapshot(self, obj: ChatSession) -> str:
        return pretty_json(obj.store)

    @admin.display(description="Kept in memory only")
    def not_persisted(self, obj: ChatSession) -> str:
        return key_list("<code>{}</code> ({})", sorted(obj.unpersisted_keys.items()))

    @admin.display(description="Reserved keys")
    def reserved_keys(self, obj: ChatSession) -> str:
        last = obj.messages.order_by("-sequence").values("author", "content").first()
        return pretty_json(
            {
                "id": str(obj.id),
                "user": obj.owner.get_username() if obj.owner else None,
                "chat_profile": obj.chat_profile or None,
                "chat_settings": obj.chat_settings,
                "env": {key: ENV_MASK for key in obj.env_keys},
                "root_message": last,
            }
        )

    @admin.display(description="Chat settings")
    def settings_values(self, obj: ChatSession) -> str:
        return pretty_json(obj.chat_settings)

    @admin.display(description="User env (values are never stored)")
    def env_names(self, obj: ChatSession) -> str:
        return key_list("<code>{}</code> = {}", [(key, ENV_MASK) for key in obj.env_keys])

    # -- actions on live chats ----------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<uuid:session_id>/end/",
                self.admin_site.admin_view(self.end_view),
                name="chatsessions_chatsession_end",
            ),
            path(
                "<uuid:session_id>/notice/",
                self.admin_site.admin_view(self.notice_view),
                name="chatsessions_chatsession_notice",
            ),
        ]
        return own + super().get_urls()

    def has_control_permission(self, request: HttpRequest) -> bool:
        """Ending a chat or posting into it takes the change permission on chat sessions."""
        return request.user.has_perm("chatsessions.change_chatsession")

    def _session_or_404(self, request: HttpRequest, session_id: Any) -> ChatSession:
        if not self.has_control_permission(request):
            raise PermissionDenied
        return get_object_or_404(ChatSession.objects.select_related("owner"), pk=session_id)

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        context["can_control"] = self.has_control_permission(request)
        return super().render_change_form(request, context, *args, **kwargs)

    def end_view(self, request: HttpRequest, session_id: Any) -> HttpResponse:
        """Confirms, then ends a live chat: its client gets 4000, on_chat_end runs once."""
        session = self._session_or_404(request, session_id)
        if request.method == "POST":
            self._end(request, session)
            return HttpResponseRedirect(reverse("admin:chatsessions_chatsession_change", args=[session.pk]))
        return self._action_page(request, session, "End this chat", form=None)

    def notice_view(self, request: HttpRequest, session_id: Any) -> HttpResponse:
        """Posts a notice from the staff member into a live chat."""
        session = self._session_or_404(request, session_id)
        form = NoticeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if session.status == ChatSession.Status.ENDED:
                self.message_user(request, "This chat has ended; no notice was sent.", messages.WARNING)
            elif (
                self._reached(
                    request,
                    control.send_notice,
                    session.pk,
                    form.cleaned_data["content"],
                    request.user.get_username(),
                )
                == SENT
            ):
                self.message_user(request, "Notice sent to the chat.", messages.SUCCESS)

            return HttpResponseRedirect(reverse("admin:chatsessions_chatsession_change", args=[session.pk]))
        return self._action_page(request, session, "Send a notice", form=form)

    def _action_page(self, request: HttpRequest, session: ChatSession, title: str, form: Any) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "session": session,
            "form": form,
            "ended": session.status == ChatSession.Status.ENDED,
        }
        return TemplateResponse(request, "admin/chatsessions/chatsession/action.html", context)

    @admin.action(description="End the selected chats", permissions=["control"])
    def end_sessions(self, request: HttpRequest, queryset: QuerySet[ChatSession]) -> None:
        for session in queryset:
            self._end(request, session)

    def _end(self, request: HttpRequest, session: ChatSession) -> None:
        if session.status == ChatSession.Status.ENDED:
            self.message_user(
                request, f"Chat {session.pk} had already ended; nothing changed.", messages.WARNING
            )
            return
        if not self._reached(request, control.end_chat, session.pk):
            return  # nothing changed
        if self._wait_until_ended(session):
            self.message_user(request, f"Chat {session.pk} ended.", messages.SUCCESS)
        else:
            self.message_user(
                request,
                f"Asked chat {session.pk} to end, but no worker confirmed it yet: the chat ends "
                "when the process that holds it handles the request.",
                messages.WARNING,
            )

    def _reached(self, request: HttpRequest, send: Callable[..., None], *args: Any) -> str:
        """Sends a control event: returns SENT, or RECORDED when the layer is down but the
        event is in the database (saying so in a message), or "" when it went nowhere
        (saying so in a message, not a 500)."""
        try:
            send(*args)
        except control.NotSentNow as error:
            self.message_user(
                request,
                f"The channel layer cannot be reached now ({error.__cause__.__class__.__name__}), so this"
                f" went to the database instead: chat {args[0]}'s worker applies it from there, within a"
                " second while the layer is down for it too, else at its next heartbeat.",
                messages.WARNING,
            )
            return RECORDED
        except Exception as error:
            logger.warning("could not reach chat %s through the channel layer", args[0], exc_info=True)
            self.message_user(
                request,
                f"The channel layer cannot be reached ({type(error).__name__}), so chat {args[0]} "
                "was not reached and nothing changed. Try again once it is back.",
                messages.ERROR,
            )
            return ""
        return SENT

    def _wait_until_ended(self, session: ChatSession) -> bool:
        deadline = time.monotonic() + END_CONFIRM_SECONDS
        while time.monotonic() < deadline:
            if ChatSession.objects.filter(pk=session.pk, status=ChatSession.Status.ENDED).exists():
                return True
            time.sleep(0.05)
        return False


@admin.register(ChatFile)
class ChatFileAdmin(admin.ModelAdmin):
    """Every file of every chat; deleting one deletes its bytes from the storage too."""

    list_display = ("name", "mime", "size_shown", "origin", "owner", "session", "sent", "created_at")
    list_filter = ("origin", "mime", "created_at")
    list_select_related = ("owner",)
    search_fields = ("name", "owner__username", "sha256")
    search_help_text = "Name, username or SHA-256"
    ordering = ("-created_at",)
    date_hierarchy = "created_at"
    fields = (
        "id",
        "name",
        "open_link",
        "mime",
        "size_shown",
        "sha256",
        "origin",
        "owner",
        "session",
        "message_id",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="size", ordering="size")
    def size_shown(self, obj: ChatFile) -> str:
        return filesizeformat(obj.size)

    @admin.display(description="sent in a message", boolean=True)
    def sent(self, obj: ChatFile) -> bool:
        return bool(obj.message_id)

    @admin.display(description="open")
    def open_link(self, obj: ChatFile) -> str:
        return format_html(
            "<a href='{}' target='_blank' rel='noopener'>{}</a>", url_of(str(obj.pk)), obj.name
        )


@admin.register(UserMetadata)
class UserMetadataAdmin(admin.ModelAdmin):
    """What chat apps' auth callbacks said of the users they logged in (read only: the
    next login through a callback writes it again)."""

    list_display = ("user", "display_name", "source", "updated_at")
    list_filter = ("source",)
    list_select_related = ("user",)
    search_fields = ("user__username", "display_name")
    fields = ("user", "display_name", "metadata", "source", "updated_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
