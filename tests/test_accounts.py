"""Chainlit's auth hooks on Django's: password_auth_callback as an authentication backend
(Django's login form calls it), on_logout on user_logged_out, and what a callback said of
the user seen by its chats. Careless callbacks refuse the login, cleanly and logged."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client

from chatsessions.handler_api.users import SESSION_KEY
from chatsessions.models import UserMetadata
from tests.chat_apps import auth_callbacks

CALLBACKS = "tests.chat_apps.auth_callbacks"
PROFILES = "tests.chainlit_e2e.chat_profiles.main"
PASSWORD_AUTH = "tests.chainlit_e2e.password_auth.main"


@pytest.fixture
def apps(settings):
    def use(*modules: str) -> None:
        settings.CHATSESSIONS = {
            **settings.CHATSESSIONS,
            "APPS": {f"app{i}": module for i, module in enumerate(modules)},
            "AUTH_CALLBACK_TIMEOUT_SECONDS": 0.3,
        }

    return use


def log_in(client: Client, username: str, password: str) -> bool:
    answer = client.post("/accounts/login/", {"username": username, "password": password})
    return answer.status_code == 302


@pytest.mark.django_db
def test_a_callback_logs_in_a_new_user_with_its_name_and_metadata(apps):
    apps(CALLBACKS)
    client = Client()
    assert log_in(client, "carol", "right")
    carol = get_user_model().objects.get(username="carol")
    assert not carol.has_usable_password() and not carol.is_staff
    kept = UserMetadata.objects.get(user=carol)
    assert (kept.display_name, kept.metadata, kept.source) == (
        "Carol",
        {"from": "auth_callbacks"},
        "password_auth_callback",
    )
    assert client.session[SESSION_KEY] == {"display_name": "Carol", "metadata": {"from": "auth_callbacks"}}
    # The same user next time: found, not made again.
    assert log_in(Client(), "carol", "right")
    assert get_user_model().objects.filter(username="carol").count() == 1


@pytest.mark.django_db
def test_none_refuses_and_django_users_still_log_in(apps, django_user_model):
    apps(CALLBACKS)
    django_user_model.objects.create_user("dora", password="dora-pw")
    assert not log_in(Client(), "carol", "wrong")
    assert not get_user_model().objects.filter(username="carol").exists()
    assert log_in(Client(), "dora", "dora-pw")  # ModelBackend, before the callbacks


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "logged"),
    [
        ("raises", "password_auth_callback of tests.chat_apps.auth_callbacks failed"),
        ("slow", "took longer than 0.3 s"),
        ("junk", "returned {'identifier': 'junk'}, not a cl.User or None"),
        ("odd-metadata", "metadata that is not a JSON object"),
        ("nameless", "without a usable identifier"),
    ],
)
def test_a_careless_callback_refuses_the_login_and_says_why(apps, caplog, username, logged):
    apps(CALLBACKS)
    with caplog.at_level(logging.ERROR, "chatsessions"):
        assert not log_in(Client(), username, "right")
    assert logged in caplog.text
    assert not UserMetadata.objects.exists()


@pytest.mark.django_db
def test_a_callback_never_logs_in_a_staff_user(apps, caplog, django_user_model):
    apps(CALLBACKS, PASSWORD_AUTH)
    django_user_model.objects.create_superuser("admin", password="the-real-one")
    with caplog.at_level(logging.WARNING, "chatsessions"):
        assert not log_in(Client(), "admin", "admin")  # Chainlit's password_auth app says yes
    assert "named 'admin', a staff user of this site; the login is refused" in caplog.text
    assert log_in(Client(), "admin", "the-real-one")


@pytest.mark.django_db
def test_of_two_callbacks_the_first_in_apps_that_answers_logs_in(apps):
    apps(PROFILES, PASSWORD_AUTH)  # both say yes to admin/admin; chat_profiles' has a role
    client = Client()
    assert log_in(client, "admin", "admin")
    assert client.session[SESSION_KEY]["metadata"] == {"role": "ADMIN"}
    apps(PASSWORD_AUTH, PROFILES)
    client = Client()
    assert log_in(client, "admin", "admin")
    assert client.session[SESSION_KEY]["metadata"] == {}


class CountingHasher(MD5PasswordHasher):
    """MD5 (the tests' hasher) that counts its hashes."""

    algorithm = "counting_md5"
    made = 0

    def encode(self, password: str, salt: str) -> str:
        CountingHasher.made += 1
        return super().encode(password, salt)


@pytest.mark.django_db
def test_a_refused_login_hashes_as_often_as_a_good_one(apps, settings):
    apps(CALLBACKS)
    settings.PASSWORD_HASHERS = ["tests.test_accounts.CountingHasher"]
    counts = []
    for username, password in (("erin", "right"), ("erin", "wrong"), ("nobody", "wrong")):
        CountingHasher.made = 0
        log_in(Client(), username, password)
        counts.append(CountingHasher.made)
    assert counts[0] == counts[1] == counts[2] >= 1, counts


@pytest.mark.django_db
def test_on_logout_runs_with_the_request(apps):
    apps(CALLBACKS)
    client = Client()
    assert log_in(client, "frank", "right")
    auth_callbacks.logged_out.clear()
    client.post("/accounts/logout/")
    assert auth_callbacks.logged_out == [("frank", None)]


def test_the_check_says_when_a_callback_cannot_run(apps, settings):
    from chatsessions.checks import check_settings as run_checks

    apps(CALLBACKS)
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
    found = {message.id: message for message in run_checks()}
    assert "chatsessions.W007" in found
    assert "password_auth_callback" in found["chatsessions.W007"].msg
    settings.AUTHENTICATION_BACKENDS = ["chatsessions.auth.PasswordCallbackBackend"]
    apps("tests.chat_apps.probe")
    assert "chatsessions.W008" in {message.id for message in run_checks()}


@pytest.mark.django_db
def test_the_admin_shows_what_a_callback_said(apps, admin_client):
    apps(CALLBACKS)
    assert log_in(Client(), "gina", "right")
    listing = admin_client.get("/admin/chatsessions/usermetadata/")
    assert listing.status_code == 200 and b"Gina" in listing.content
    row = UserMetadata.objects.get(user__username="gina")
    shown = admin_client.get(f"/admin/chatsessions/usermetadata/{row.pk}/change/")
    assert shown.status_code == 200 and b"auth_callbacks" in shown.content


HEADER_AUTH = "tests.chainlit_e2e.header_auth.main"


@pytest.fixture
def header_auth(settings, apps):
    apps(HEADER_AUTH)
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "chatsessions.auth.HeaderCallbackBackend",
    ]
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "chatsessions.middleware.HeaderAuthMiddleware"]

    def turn(on: bool) -> None:
        settings.CHATSESSIONS = {**settings.CHATSESSIONS, "HEADER_AUTH": on}

    return turn


@pytest.mark.django_db
def test_a_header_logs_in_only_with_header_auth_on(header_auth):
    from chatsessions.checks import check_header_auth, check_settings

    header_auth(False)  # the default: a header any client can send logs nobody in
    assert Client().get("/chat/app0/", headers={"test-header": "x"}).status_code == 302
    assert "chatsessions.W009" in {message.id for message in check_settings()}
    assert check_header_auth() == []
    header_auth(True)
    client = Client()
    assert client.get("/chat/app0/").status_code == 302  # no header, no login
    assert client.get("/chat/app0/", headers={"test-header": "x"}).status_code == 200
    assert client.session["_auth_user_backend"] == "chatsessions.auth.HeaderCallbackBackend"
    assert client.get("/chat/app0/").status_code == 200  # the session lasts, as a login's
    assert get_user_model().objects.get(username="admin").is_staff is False
    assert "chatsessions.W009" not in {message.id for message in check_settings()}
    assert [message.id for message in check_header_auth()] == ["chatsessions.W010"]


@pytest.mark.django_db
def test_a_header_callback_never_logs_in_staff(header_auth, caplog, django_user_model):
    header_auth(True)
    django_user_model.objects.create_superuser("admin", password="pw")
    with caplog.at_level(logging.WARNING, "chatsessions"):
        assert Client().get("/chat/app0/", headers={"test-header": "x"}).status_code == 302
    assert (
        "header_auth_callback of tests.chainlit_e2e.header_auth.main named 'admin', a staff user"
        in caplog.text
    )


def test_the_documented_backends_are_the_ones_these_tests_log_in_with():
    from django.conf import settings

    from tests.documented import block

    documented: dict = {}
    exec(block("password-backends", "docs/handler-api.md"), documented)
    assert documented["AUTHENTICATION_BACKENDS"] == settings.AUTHENTICATION_BACKENDS
