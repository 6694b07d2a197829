"""manage.py check reports misconfiguration with chatsessions ids."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from chatsessions.checks import check_settings


def ids(**settings):
    settings.setdefault("DEBUG", True)  # pytest-django turns it off; W002 has its own test
    # The test settings' PasswordCallbackBackend needs their password_auth apps (W008 has
    # its own test, in test_accounts.py).
    if "CHATSESSIONS" in settings:
        settings.setdefault("AUTHENTICATION_BACKENDS", ["django.contrib.auth.backends.ModelBackend"])
    with override_settings(**settings):
        return sorted(message.id for message in check_settings())


def test_the_demo_and_test_settings_pass():
    assert ids() == []


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("not a dict", ["chatsessions.E001"]),
        ({"APPS": {"default": "chatsite.chat.counter"}, "APSS": {}}, ["chatsessions.E002"]),
        ({}, ["chatsessions.E003"]),
        ({"APPS": ["chatsite.chat.counter"]}, ["chatsessions.E003"]),
        ({"APPS": {"a b": "chatsite.chat.counter"}}, ["chatsessions.E004"]),
        ({"APPS": {"default": "tests.chat_apps.nonexistent"}}, ["chatsessions.E005"]),
        ({"APPS": {"default": 42}}, ["chatsessions.E005"]),
        ({"APPS": {"default": "chatsite.chat.counter"}, "MAX_FRAME_BYTES": "big"}, ["chatsessions.E006"]),
        ({"APPS": {"default": "chatsite.chat.counter"}, "HISTORY_LIMIT": 0}, ["chatsessions.E006"]),
        ({"APPS": {"default": "tests.chat_apps.no_handlers"}}, ["chatsessions.W001"]),
        ({"APPS": {"default": "chatsite.chat.counter"}, "FILE_STORAGE": "s3"}, ["chatsessions.E009"]),
        ({"APPS": {"default": "chatsite.chat.counter"}, "UPLOAD_TYPES": "image/*"}, ["chatsessions.E006"]),
        ({"APPS": {"default": "chatsite.chat.counter"}, "MAX_FILE_BYTES": 10**12}, ["chatsessions.E006"]),
        ({"APPS": {"default": "chatsite.chat.counter"}, "MAX_FILES_PER_MESSAGE": 0}, ["chatsessions.E006"]),
    ],
)
def test_misconfiguration_is_reported(config, expected):
    assert ids(CHATSESSIONS=config) == expected


def test_a_missing_channel_layer_is_reported():
    assert ids(CHANNEL_LAYERS={}) == ["chatsessions.E007"]


def test_manage_py_check_fails_on_an_unknown_handler_module():
    with override_settings(CHATSESSIONS={"APPS": {"default": "tests.chat_apps.nonexistent"}}):
        with pytest.raises(SystemCheckError, match=r"chatsessions\.E005.*cannot import handler module"):
            call_command("check")


def test_several_workers_on_the_in_memory_layer_is_an_error(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    assert ids() == ["chatsessions.E008"]


def test_redis_and_several_workers_pass(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    hosts = [{"address": "redis://127.0.0.1:6379", "socket_timeout": 10}]
    redis = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": hosts}}}
    assert ids(CHANNEL_LAYERS=redis) == []


@pytest.mark.parametrize(
    "hosts",
    [
        ["redis://127.0.0.1:6379"],  # redis-py 8's default socket timeout: 5 s
        [("127.0.0.1", 6379)],
        [{"address": "redis://127.0.0.1:6379", "socket_timeout": 5}],
        None,  # channels-redis's default host
    ],
)
def test_a_redis_socket_timeout_not_above_the_blocking_read_is_a_warning(hosts):
    config = {"hosts": hosts} if hosts else {}
    redis = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": config}}
    assert ids(CHANNEL_LAYERS=redis) == ["chatsessions.W003"]


def test_single_process_defaults_without_debug_are_a_warning():
    assert ids(DEBUG=False) == ["chatsessions.W002"]


def test_chat_files_in_a_folder_with_no_location_are_a_warning():
    config = {"APPS": {"default": "chatsite.chat.counter"}}  # FILE_STORAGE: "default"
    assert ids(CHATSESSIONS=config, MEDIA_ROOT="") == ["chatsessions.W004"]


def test_files_with_no_url_to_serve_them_are_a_warning():
    assert ids(ROOT_URLCONF="tests.urls_without_chat") == ["chatsessions.W005"]


def test_an_asgi_application_without_the_body_limit_is_reported():
    assert ids(ASGI_APPLICATION="tests.asgi_without_body_limit.application") == ["chatsessions.W006"]
    assert ids(ASGI_APPLICATION="chatsite.asgi.application") == []


def test_a_content_security_policy_that_is_not_text_is_reported():
    config = {"APPS": {"default": "chatsite.chat.counter"}, "CONTENT_SECURITY_POLICY": ["default-src 'self'"]}
    assert ids(CHATSESSIONS=config) == ["chatsessions.E006"]
