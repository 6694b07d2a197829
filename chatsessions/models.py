"""What the database keeps of a chat: the session row and its transcript."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

#: How long a chat's title may be; a longer one is cut, with an ellipsis.
TITLE_LENGTH = 200


class ChatSession(models.Model):
    """One chat: its owner, app, profile, settings and a snapshot of its store."""

    class Status(models.TextChoices):
        LIVE = "live", "live"
        DISCONNECTED = "disconnected", "disconnected, resumable"
        ENDED = "ended", "ended"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="chat_sessions",
        help_text="Empty for an anonymous chat.",
    )
    app = models.CharField(max_length=100, db_index=True)
    title = models.CharField(
        max_length=TITLE_LENGTH,
        blank=True,
        help_text="The first user message, unless a handler (set_title) or the user renamed the chat.",
    )
    chat_profile = models.CharField(max_length=200, blank=True)
    chat_settings = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.LIVE, db_index=True)
    started_at = models.DateTimeField(auto_now_add=True, db_index=True)
    last_activity_at = models.DateTimeField(auto_now=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    message_count = models.PositiveIntegerField(default=0)
    store = models.JSONField(
        default=dict, blank=True, help_text="The app's JSON-serialisable user_session keys."
    )
    unpersisted_keys = models.JSONField(
        default=dict, blank=True, help_text="Keys kept in memory only, with their type."
    )
    holder_epoch = models.PositiveIntegerField(
        default=0, help_text="Counts the times a process claimed the chat; fences stale writers."
    )
    env_keys = models.JSONField(
        default=list, blank=True, help_text="Names of the user env keys sent; never values."
    )
    holder = models.UUIDField(
        null=True,
        blank=True,
        help_text="The worker process holding the chat; if it stops beating, another ends the chat.",
    )

    class Meta:
        ordering = ["-started_at"]
        # The user's chat list (storage/history.py): one index range, newest activity first.
        indexes = [
            models.Index(fields=["owner", "app", "-last_activity_at", "-id"], name="chatsession_history"),
        ]

    def __str__(self) -> str:
        return f"{self.app} chat {self.id}"


class ChatWorker(models.Model):
    """A server process holding chats, alive while its heartbeat is recent."""

    id = models.UUIDField(primary_key=True, editable=False)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    heartbeat_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"worker {self.pid} on {self.host}"


class ChatMessage(models.Model):
    """One message of a chat's transcript, in order."""

    class Role(models.TextChoices):
        USER = "user", "user"
        ASSISTANT = "assistant", "assistant"
        NOTICE = "notice", "notice from staff"
        SYSTEM = "system", "system message (from the page hosting a copilot)"
        STEP = "step", "step (of a handler: a tool call, a lookup)"

    session = models.ForeignKey(ChatSession, on_delete=models.CASCADE, related_name="messages")
    sequence = models.PositiveIntegerField()
    message_id = models.CharField(max_length=64)
    role = models.CharField(max_length=20, choices=Role.choices)
    author = models.CharField(max_length=150)
    content = models.TextField(blank=True)
    created_at = models.DateTimeField()
    meta = models.JSONField(
        null=True,
        blank=True,
        help_text="A message's buttons and elements; a step's name, type, parent, input, times and error.",
    )

    class Meta:
        ordering = ["session", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["session", "sequence"], name="chatmessage_unique_sequence")
        ]
        indexes = [models.Index(fields=["session", "message_id"], name="chatmessage_message_id")]

    def __str__(self) -> str:
        return f"{self.author}: {self.content[:50]}"


class ChatFeedback(models.Model):
    """A user's thumbs up or down, with an optional comment, on an assistant message."""

    class Value(models.IntegerChoices):
        NEGATIVE = 0, "thumbs down"
        POSITIVE = 1, "thumbs up"

    session = models.ForeignKey(ChatSession, on_delete=models.CASCADE, related_name="feedback")
    message_id = models.CharField(max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    value = models.PositiveSmallIntegerField(choices=Value.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "chat feedback"
        constraints = [
            models.UniqueConstraint(
                fields=["session", "message_id", "user"], name="chatfeedback_one_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_value_display()} on {self.message_id}"


class ChatFile(models.Model):
    """A file of a chat: one the user uploaded, or an element a handler sent. Its bytes are
    in Django's storage (CHATSESSIONS["FILE_STORAGE"]), read back only through the file
    view, which lets in its owner and staff."""

    class Origin(models.TextChoices):
        UPLOAD = "upload", "uploaded by the user"
        ELEMENT = "element", "sent by a handler"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(ChatSession, on_delete=models.CASCADE, related_name="files")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    message_id = models.CharField(
        max_length=64, blank=True, help_text="The message it belongs to; empty for an upload not sent yet."
    )
    origin = models.CharField(max_length=10, choices=Origin.choices)
    name = models.CharField(max_length=255)
    mime = models.CharField("type", max_length=255)
    size = models.PositiveBigIntegerField(help_text="In bytes.")
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=500, help_text="Its name in the file storage.")
    element = models.JSONField(
        default=dict, blank=True, help_text="How a handler's element shows: type, display, language, page."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["session", "message_id"], name="chatfile_message"),
            models.Index(fields=["owner", "origin"], name="chatfile_owner"),
        ]

    def __str__(self) -> str:
        return self.name


class ChatCommand(models.Model):
    """A control action for a live chat (end, notice, recheck of its login, new title),
    kept until the process that holds the chat has applied it: an action sent while the
    channel layer is down reaches the chat once it is back, or sooner through this table.
    No foreign key: the command to end a deleted chat outlives its row."""

    session_id = models.UUIDField(db_index=True)
    event = models.JSONField(help_text="The control event, as the channel layer carries it.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.event.get('type')} for chat {self.session_id}"


class UserMetadata(models.Model):
    """What a Chainlit auth callback said of a Django user it logged in: the display name
    and the metadata of the cl.User it returned. Handlers see them as user.display_name
    and user.metadata (handler_api/users.py), read into the login's session at login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="chat_metadata"
    )
    display_name = models.CharField(max_length=200, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    #: The callback that last logged the user in ("password_auth_callback", say).
    source = models.CharField(max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "user's chat metadata"
        verbose_name_plural = "users' chat metadata"

    def __str__(self) -> str:
        return f"metadata of user {self.user_id}"
