"""Settings of the demo project.

Defaults run with nothing to install: SQLite and the in-memory channel layer.
DATABASE_URL and the other environment variables below change that.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-demo-key-change-me-in-production")
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")

INSTALLED_APPS = [
    "daphne",  # first: its runserver serves HTTP and WebSockets
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "chatsessions",
    "chatsite",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # With DEBUG off, serves the collected static files (chat.js, chat.css, the admin's)
    # from the ASGI server itself; nginx may serve STATIC_ROOT instead (see docs/deployment.md).
    # With DEBUG on, runserver serves them from the apps, and there is no STATIC_ROOT yet.
    *([] if DEBUG else ["whitenoise.middleware.WhiteNoiseMiddleware"]),
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language of the browser (Accept-Language), among LANGUAGES; else LANGUAGE_CODE.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A database outage answers 503 "try again", not a 500 (the admin, the chat page).
    "chatsessions.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "chatsite.urls"
ASGI_APPLICATION = "chatsite.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=600, conn_health_checks=True
    ),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A transaction takes SQLite's write lock when it begins, so that two writers (the
    # chats' writer, an upload) wait for each other: one that read first could not write.
    # In WAL mode a commit appends to one file instead of writing, syncing and deleting a
    # rollback journal: a quarter of the CPU per commit, and readers no longer wait for the
    # writer. synchronous=NORMAL keeps every commit through the process's death (SIGKILL);
    # only a power cut may lose the last ones. FULL would sync the WAL at each commit.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    )

# REDIS_URL switches to Redis, which several worker processes need to reach each other's
# chats. CHANNEL_LAYER=pubsub picks the pub/sub layer (see docs/deployment.md).
REDIS_URL = os.environ.get("REDIS_URL")
if REDIS_URL and os.environ.get("CHANNEL_LAYER") == "pubsub":
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": os.environ.get("CHANNEL_PREFIX", "chatsessions")},
        }
    }
elif REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # A socket timeout above channels-redis's 5 s blocking read (redis-py 8's
                # default equals it): see the chatsessions.W003 check.
                "hosts": [{"address": REDIS_URL, "socket_timeout": 10}],
                "prefix": os.environ.get("CHANNEL_PREFIX", "chatsessions"),
                # Control events are few and small; a full channel means a stuck process.
                "capacity": 1000,
                "expiry": 60,
                # At least daphne's websocket_timeout (86,400 s); chats renew it on resume.
                "group_expiry": 86400,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

CHATSESSIONS: dict[str, Any] = {
    "APPS": {
        "default": "chatsite.chat.counter",
        "assistant": "chatsite.chat.assistant",
        "copilot": "chatsite.chat.copilot",
    },
    "FILE_STORAGE": "chatfiles",
    # Other sites whose pages may embed the chat (the copilot widget), and the key their
    # backends ask for embed tokens with: docs/handler-api.md, "The copilot on another site".
    "EMBED_ORIGINS": os.environ.get("CHATSESSIONS_EMBED_ORIGINS", "").split(),
    "EMBED_KEY": os.environ.get("CHATSESSIONS_EMBED_KEY") or None,
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/chat/"

LANGUAGE_CODE = os.environ.get("DJANGO_LANGUAGE_CODE", "en-us")
# The languages chatsessions ships its page in; the browser's choice among them wins.
LANGUAGES = [("en", "English"), ("fr", "Français"), ("ar", "العربية")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
# Hashed, compressed copies that browsers may cache for ever (`manage.py collectstatic`).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Chat files (uploads, handlers' elements): a folder of their own that no web server
    # serves; the file view lets in only their owner. (S3: see docs/handler-api.md.)
    "chatfiles": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": os.environ.get("DJANGO_CHAT_FILES", BASE_DIR / "chatfiles")},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Production behind TLS: DJANGO_HTTPS=1 turns on the secure cookies, the redirect to
# HTTPS and HSTS (DJANGO_HSTS_SECONDS, a year by default); behind a proxy that ends TLS,
# Django trusts its X-Forwarded-Proto header. DJANGO_CSRF_TRUSTED_ORIGINS lists the
# origins (scheme://host:port) the login and admin forms may be posted from.
HTTPS = os.environ.get("DJANGO_HTTPS") == "1"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = HTTPS
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # Not propagated: daphne's command line gives the root logger a handler too.
    "loggers": {"chatsessions": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
