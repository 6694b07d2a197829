"""System checks: misconfiguration shows up in manage.py check, not at the first chat."""

from __future__ import annotations

import os
import re
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string

from .accounts.embed import normalized_origin
from .conf import DEFAULTS, get_config
from .handler_api.registry import action_event, load_app

_APP_NAME = re.compile(r"^[-a-zA-Z0-9_]+$")

_NON_NEGATIVE = ("WRITE_DELAY_SECONDS",)
_BOOLEANS = ("ALLOW_ANONYMOUS", "REOPEN_ENDED_CHATS", "HEADER_AUTH")
_NUMBERS = (
    "RESUME_GRACE_SECONDS",
    "START_TIMEOUT_SECONDS",
    "MAX_FRAME_BYTES",
    "MAX_PENDING_MESSAGES",
    "HISTORY_LIMIT",
    "AUTH_RECHECK_SECONDS",
    "AUTH_CALLBACK_TIMEOUT_SECONDS",
    "DATA_LAYER_TIMEOUT_SECONDS",
    "HEARTBEAT_SECONDS",
    "INBOUND_BYTES_PER_WINDOW",
    "INBOUND_FRAMES_PER_WINDOW",
    "INBOUND_WINDOW_SECONDS",
    "MAX_UNSENT_BYTES",
    "MAX_REQUEST_BYTES",
    "MAX_FILE_BYTES",
    "MAX_FILES_PER_MESSAGE",
    "MAX_MESSAGE_FILE_BYTES",
    "MAX_USER_FILE_BYTES",
    "UNSENT_UPLOAD_SECONDS",
    "EMBED_TOKEN_SECONDS",
)


@register(Tags.compatibility)
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Checks the CHATSESSIONS dict and the handler modules it names."""
    raw = getattr(settings, "CHATSESSIONS", {})
    if not isinstance(raw, dict):
        return [Error("CHATSESSIONS must be a dict.", id="chatsessions.E001")]
    messages: list[CheckMessage] = []
    for key in raw.keys() - DEFAULTS.keys():
        messages.append(
            Error(
                f"CHATSESSIONS has an unknown key {key!r}.",
                hint=f"Known keys: {', '.join(sorted(DEFAULTS))}.",
                id="chatsessions.E002",
            )
        )
    config = get_config()
    apps = config["APPS"]
    if not isinstance(apps, dict) or not apps:
        messages.append(
            Error(
                "CHATSESSIONS['APPS'] must map chat app names to handler modules.",
                hint='For example {"default": "myproject.chat"}.',
                id="chatsessions.E003",
            )
        )
        apps = {}
    for name, module_path in apps.items():
        messages.extend(_check_app(name, module_path))
    messages.extend(_check_password_callbacks(apps))
    messages.extend(_check_header_callbacks(apps))
    messages.extend(_check_oauth_callbacks(apps))
    for key in (*_NUMBERS, *_NON_NEGATIVE):
        value = config[key]
        lowest = 0 if key in _NON_NEGATIVE else 1e-9
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < lowest:
            kind = "a number, 0 or more" if key in _NON_NEGATIVE else "a positive number"
            messages.append(
                Error(f"CHATSESSIONS['{key}'] must be {kind}, not {value!r}.", id="chatsessions.E006")
            )
    for key in _BOOLEANS:
        if not isinstance(config[key], bool):
            messages.append(
                Error(
                    f"CHATSESSIONS['{key}'] must be True or False, not {config[key]!r}.",
                    id="chatsessions.E006",
                )
            )
    messages.extend(_check_files(config))
    messages.extend(_check_deployment())
    messages.extend(_check_redis_read_timeout())
    messages.extend(_check_body_limit())
    messages.extend(_check_embedding(config))
    policy = config["CONTENT_SECURITY_POLICY"]
    if policy is not None and not isinstance(policy, str):
        messages.append(
            Error(
                f"CHATSESSIONS['CONTENT_SECURITY_POLICY'] must be a string or None, not {policy!r}.",
                id="chatsessions.E006",
            )
        )
    if not getattr(settings, "CHANNEL_LAYERS", None):
        messages.append(
            Error(
                "CHANNEL_LAYERS is not configured; admin actions cannot reach live chats.",
                hint='For one process: {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}.',
                id="chatsessions.E007",
            )
        )
    return messages


def _check_app(name: Any, module_path: Any) -> list[CheckMessage]:
    if not isinstance(name, str) or not _APP_NAME.match(name):
        return [
            Error(
                f"Chat app name {name!r} must be letters, digits, '-' or '_' (it is part of a URL).",
                id="chatsessions.E004",
            )
        ]
    if not isinstance(module_path, str):
        return [
            Error(f"Chat app {name!r} must name a module path, not {module_path!r}.", id="chatsessions.E005")
        ]
    try:
        app = load_app(module_path)
    except Exception as error:
        return [
            Error(
                f"Chat app {name!r}: cannot import handler module {module_path!r}: {error}",
                id="chatsessions.E005",
            )
        ]
    # An app may talk only through its start and its buttons (Chainlit's AskUserMessage
    # example has no on_message); one with no handler at all is surely a mistake.
    talks = ("on_message", "on_chat_start", "on_chat_resume")
    if not any(app.handler(event) for event in talks) and not any(
        event.startswith(action_event("")) for event in app.handlers
    ):
        return [
            Warning(
                f"Chat app {name!r}: {module_path!r} has no @on_message, @on_chat_start or "
                "@action_callback handler; the chat never answers.",
                id="chatsessions.W001",
            )
        ]
    return []


def _check_files(config: dict[str, Any]) -> list[CheckMessage]:
    """Checks where chat files go, which types users may upload, and that the limits nest."""
    messages: list[CheckMessage] = []
    alias = config["FILE_STORAGE"]
    if not isinstance(alias, str) or alias not in settings.STORAGES:
        messages.append(
            Error(
                f"CHATSESSIONS['FILE_STORAGE'] is {alias!r}, which STORAGES does not name.",
                hint=f"One of: {', '.join(sorted(settings.STORAGES))}.",
                id="chatsessions.E009",
            )
        )
    elif _unplaced_folder(alias, settings.STORAGES[alias]):
        messages.append(
            Warning(
                f"Chat files go to the {alias!r} storage, a folder with no location: the "
                "server's working directory.",
                hint="Give it an OPTIONS location outside any folder the web server serves.",
                id="chatsessions.W004",
            )
        )
    types = config["UPLOAD_TYPES"]
    if not isinstance(types, list) or not types or not all(isinstance(item, str) for item in types):
        messages.append(
            Error(
                f"CHATSESSIONS['UPLOAD_TYPES'] must be a list of types, not {types!r}.",
                hint='For example ["text/csv", "image/*", ".pdf"], or ["*/*"] for any.',
                id="chatsessions.E006",
            )
        )
    sizes = [config[key] for key in ("MAX_FILE_BYTES", "MAX_MESSAGE_FILE_BYTES", "MAX_USER_FILE_BYTES")]
    if all(isinstance(size, (int, float)) for size in sizes) and not sizes[0] <= sizes[1] <= sizes[2]:
        messages.append(
            Error(
                "CHATSESSIONS's file limits must nest: MAX_FILE_BYTES <= MAX_MESSAGE_FILE_BYTES "
                "<= MAX_USER_FILE_BYTES.",
                id="chatsessions.E006",
            )
        )
    try:
        reverse("chatsessions:file", args=["00000000-0000-0000-0000-000000000000"])
    except NoReverseMatch:
        messages.append(
            Warning(
                "chatsessions.urls is not included in the URLconf: files and elements cannot be served.",
                hint='Add path("chat/", include("chatsessions.urls")) to urlpatterns.',
                id="chatsessions.W005",
            )
        )
    return messages


def _unplaced_folder(alias: str, storage: Any) -> bool:
    """Whether a storage is a folder whose location is left to the working directory."""
    if storage.get("BACKEND") != "django.core.files.storage.FileSystemStorage":
        return False
    return not (
        (storage.get("OPTIONS") or {}).get("location") or (alias == "default" and settings.MEDIA_ROOT)
    )


IN_MEMORY_LAYER = "channels.layers.InMemoryChannelLayer"


def _check_deployment() -> list[CheckMessage]:
    """Flags the single-process defaults where a deployment probably runs several."""
    layer = getattr(settings, "CHANNEL_LAYERS", {}).get("default", {}).get("BACKEND")
    database = settings.DATABASES.get("default", {}).get("ENGINE", "")
    messages: list[CheckMessage] = []
    # WEB_CONCURRENCY is how gunicorn and uvicorn are told their number of workers. Several
    # daphne processes behind a balancer set nothing we can see: that cannot be detected.
    try:
        workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
    except ValueError:
        workers = 1
    if layer == IN_MEMORY_LAYER and workers > 1:
        messages.append(
            Error(
                f"WEB_CONCURRENCY is {workers} but the channel layer is in-memory: workers "
                "cannot reach each other's chats, so resumes and admin actions fail across them.",
                hint="Use channels_redis (set REDIS_URL in the demo project).",
                id="chatsessions.E008",
            )
        )
    if not settings.DEBUG and (layer == IN_MEMORY_LAYER or database.endswith("sqlite3")):
        messages.append(
            Warning(
                "DEBUG is off but chats run on the single-process defaults (SQLite or the in-memory "
                "channel layer): fine for one process, not for several.",
                hint="Set DATABASE_URL to PostgreSQL and REDIS_URL to Redis to run several workers.",
                id="chatsessions.W002",
            )
        )
    return messages


REDIS_CORE_LAYER = "channels_redis.core.RedisChannelLayer"


def _default_socket_timeout() -> float | None:
    try:
        from redis._defaults import DEFAULT_SOCKET_TIMEOUT  # redis-py 8 and later: 5 s
    except ImportError:
        return None  # before redis-py 8, no socket timeout at all
    return DEFAULT_SOCKET_TIMEOUT


def _check_redis_read_timeout() -> list[CheckMessage]:
    """Flags a Redis layer whose socket timeout is not above its blocking read: each idle
    read then fails instead of returning empty, and a message Redis hands over just as the
    client gives up is lost (redis-py 8's default of 5 s equals channels-redis's read)."""
    layer = getattr(settings, "CHANNEL_LAYERS", {}).get("default", {})
    if layer.get("BACKEND") != REDIS_CORE_LAYER:
        return []
    try:
        from channels_redis.core import RedisChannelLayer
    except ImportError:
        return []  # Channels reports the missing backend itself
    blocking_read = float(RedisChannelLayer.brpop_timeout)
    hosts = (layer.get("CONFIG") or {}).get("hosts") or [("localhost", 6379)]
    messages: list[CheckMessage] = []
    for index, host in enumerate(hosts):
        default = _default_socket_timeout()
        timeout = host.get("socket_timeout", default) if isinstance(host, dict) else default
        if timeout is not None and timeout <= blocking_read:
            messages.append(
                Warning(
                    f"CHANNEL_LAYERS hosts[{index}] has a socket timeout of {timeout:g} s, not above "
                    f"channels-redis's {blocking_read:g} s blocking read: idle workers lose their "
                    "connection every few seconds, and with it control events (resumes, notices).",
                    hint='Give the host as {"address": REDIS_URL, "socket_timeout": 10}.',
                    id="chatsessions.W003",
                )
            )
    return messages


def _check_body_limit() -> list[CheckMessage]:
    """Warns when ASGI_APPLICATION routes HTTP to Django without RequestBodyLimit: a body is
    then read whole before anything can refuse it (on uvicorn; daphne has the limit built
    in by the app)."""
    from channels.routing import ProtocolTypeRouter

    from .web.bodies import RequestBodyLimit

    path = getattr(settings, "ASGI_APPLICATION", None)
    if not path:
        return []
    try:
        application = import_string(path)
    except Exception:
        return []  # not ours to report
    http = (
        application.application_mapping.get("http") if isinstance(application, ProtocolTypeRouter) else None
    )
    if http is None or isinstance(http, RequestBodyLimit):
        return []
    return [
        Warning(
            "The ASGI application's HTTP side is not wrapped in RequestBodyLimit: request bodies are "
            "read whole before any limit refuses them.",
            hint='In asgi.py: "http": RequestBodyLimit(django_asgi_app), from chatsessions.bodies.',
            id="chatsessions.W006",
        )
    ]


PASSWORD_BACKEND = "chatsessions.auth.PasswordCallbackBackend"


def _check_password_callbacks(apps: dict[Any, Any]) -> list[CheckMessage]:
    """A password_auth_callback runs only through PasswordCallbackBackend; the backend
    does nothing without one."""
    declaring = _declaring(apps, "password_auth_callback")
    listed = PASSWORD_BACKEND in getattr(settings, "AUTHENTICATION_BACKENDS", ())
    if declaring and not listed:
        return [
            Warning(
                f"{', '.join(declaring)} declare a password_auth_callback, which Django's login never "
                "calls: PasswordCallbackBackend is not in AUTHENTICATION_BACKENDS.",
                hint="AUTHENTICATION_BACKENDS = "
                f'["django.contrib.auth.backends.ModelBackend", "{PASSWORD_BACKEND}"]: '
                "Django's own users first, then the callbacks.",
                id="chatsessions.W007",
            )
        ]
    if listed and not declaring:
        return [
            Warning(
                f"{PASSWORD_BACKEND} is in AUTHENTICATION_BACKENDS, but no chat app declares a "
                "password_auth_callback: it logs nobody in.",
                id="chatsessions.W008",
            )
        ]
    return []


HEADER_BACKEND = "chatsessions.auth.HeaderCallbackBackend"
HEADER_MIDDLEWARE = "chatsessions.middleware.HeaderAuthMiddleware"


def _check_header_callbacks(apps: dict[Any, Any]) -> list[CheckMessage]:
    """A header_auth_callback runs only with HEADER_AUTH on, its backend and middleware."""
    declaring = _declaring(apps, "header_auth_callback")
    if not declaring:
        return []
    missing = []
    if not get_config()["HEADER_AUTH"]:
        missing.append('CHATSESSIONS["HEADER_AUTH"] is off (on only behind a proxy that sets the header)')
    if HEADER_BACKEND not in getattr(settings, "AUTHENTICATION_BACKENDS", ()):
        missing.append(f"{HEADER_BACKEND} is not in AUTHENTICATION_BACKENDS")
    if HEADER_MIDDLEWARE not in getattr(settings, "MIDDLEWARE", ()):
        missing.append(f"{HEADER_MIDDLEWARE} is not in MIDDLEWARE (after AuthenticationMiddleware)")
    if not missing:
        return []
    return [
        Warning(
            f"{', '.join(declaring)} declare a header_auth_callback, which never runs: {'; '.join(missing)}.",
            id="chatsessions.W009",
        )
    ]


OAUTH_ADAPTER = "chatsessions.allauth.OAuthCallbackAdapter"


def _check_oauth_callbacks(apps: dict[Any, Any]) -> list[CheckMessage]:
    """An oauth_callback runs only through django-allauth with our adapter."""
    declaring = _declaring(apps, "oauth_callback")
    if not declaring or getattr(settings, "SOCIALACCOUNT_ADAPTER", None) == OAUTH_ADAPTER:
        return []
    return [
        Warning(
            f"{', '.join(declaring)} declare an oauth_callback, which never runs: SOCIALACCOUNT_ADAPTER "
            f"is not {OAUTH_ADAPTER!r}.",
            hint="Log users in with django-allauth, its SOCIALACCOUNT_ADAPTER set to that adapter "
            "(see the handler API's OAuth logins).",
            id="chatsessions.W011",
        )
    ]


def _declaring(apps: dict[Any, Any], event: str) -> list[str]:
    """The handler modules of apps that declare a handler for event."""
    found = []
    for module_path in dict.fromkeys(apps.values()):
        try:
            if isinstance(module_path, str) and load_app(module_path).handler(event):
                found.append(module_path)
        except Exception:
            continue  # E005 says so
    return found


@register(Tags.security, deploy=True)
def check_header_auth(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """With HEADER_AUTH on, any client that can send the header logs in as anyone."""
    try:
        on = get_config()["HEADER_AUTH"] is True
    except Exception:
        return []
    if not on:
        return []
    return [
        Warning(
            'CHATSESSIONS["HEADER_AUTH"] is on: a request\'s headers log users in through the chat '
            "apps' header_auth_callback.",
            hint="Serve the site only through a proxy that sets those headers and strips them from what "
            "clients send, and let nothing reach the ASGI server directly.",
            id="chatsessions.W010",
        )
    ]


def _check_embedding(config: dict[str, Any]) -> list[CheckMessage]:
    """EMBED_ORIGINS must be origins; EMBED_KEY a long secret or None."""
    messages: list[CheckMessage] = []
    origins = config["EMBED_ORIGINS"]
    if isinstance(origins, str) or not isinstance(origins, (list, tuple)):
        origins = [origins]
    for origin in origins:
        if normalized_origin(origin) is None:
            messages.append(
                Error(
                    f"CHATSESSIONS['EMBED_ORIGINS'] holds {origin!r}, which is not an origin.",
                    hint='A list of scheme://host[:port], for example ["https://www.example.com"].',
                    id="chatsessions.E010",
                )
            )
    key = config["EMBED_KEY"]
    if key is not None and (not isinstance(key, str) or len(key) < 32):
        messages.append(
            Error(
                "CHATSESSIONS['EMBED_KEY'] must be None or a secret of at least 32 characters.",
                hint="For example secrets.token_urlsafe(32), read from the environment.",
                id="chatsessions.E010",
            )
        )
    return messages
