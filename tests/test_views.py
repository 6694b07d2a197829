"""The chat page's HTTP side: who gets it, and what it points the browser at."""

from pathlib import Path

from django.test import override_settings


def test_the_chat_page_sends_an_anonymous_visitor_to_log_in(client):
    response = client.get("/chat/assistant/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/chat/assistant/"


def test_the_chat_page_points_at_its_apps_socket(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("alice"))
    default, assistant = client.get("/chat/"), client.get("/chat/assistant/")
    assert 'data-socket-path="/ws/chat/"' in default.content.decode()
    assert 'data-socket-path="/ws/chat/assistant/"' in assistant.content.decode()
    assert "chatsessions/chat.js" in default.content.decode()
    # And at the app's chat history endpoints, for the sidebar.
    assert 'data-history-url="/chat/api/default/chats/"' in default.content.decode()
    assert 'data-history-url="/chat/api/assistant/chats/"' in assistant.content.decode()


def test_an_unknown_app_has_no_chat_page(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("alice"))
    assert client.get("/chat/nonesuch/").status_code == 404


@override_settings(CHATSESSIONS={"APPS": {"default": "chatsite.chat.counter"}, "ALLOW_ANONYMOUS": True})
def test_anonymous_visitors_get_the_page_when_anonymous_chats_are_allowed(client):
    page = client.get("/chat/")
    assert page.status_code == 200
    # No chat list: an anonymous chat has no owner to list it for.
    assert 'data-history-url=""' in page.content.decode()
    assert "cs-sidebar" not in page.content.decode()
    assert client.get("/chat/api/default/chats/").json()["error"] == "not_logged_in"


def test_the_site_templates_wrap_the_app_page(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("alice"))
    page = client.get("/chat/").content.decode()
    assert "Log out" in page and "data-chatsessions" in page


def test_the_vendored_libraries_ship_with_their_licences():
    vendor = Path(__file__).resolve().parent.parent / "chatsessions/static/chatsessions/vendor"
    assert {p.name for p in vendor.iterdir()} >= {
        "marked.umd.js",
        "marked.LICENSE",
        "purify.min.js",
        "dompurify.LICENSE",
        "prism.min.js",
        "prism.LICENSE",
    }


def test_the_chat_page_sends_the_content_security_policy_setting(client, django_user_model):
    from django.test import override_settings

    client.force_login(django_user_model.objects.create_user("csp-reader"))
    assert "script-src 'self'" in client.get("/chat/")["Content-Security-Policy"]
    with override_settings(
        CHATSESSIONS={"APPS": {"default": "chatsite.chat.counter"}, "CONTENT_SECURITY_POLICY": None}
    ):
        assert "Content-Security-Policy" not in client.get("/chat/")
    policy = "default-src 'self'; style-src 'self' 'unsafe-inline'"
    with override_settings(
        CHATSESSIONS={"APPS": {"default": "chatsite.chat.counter"}, "CONTENT_SECURITY_POLICY": policy}
    ):
        assert client.get("/chat/")["Content-Security-Policy"] == policy
