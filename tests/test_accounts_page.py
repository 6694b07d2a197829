"""Chainlit's password_auth, chat_profiles and header_auth apps in headless Chromium:
Django's login form logs "admin" in through their password_auth_callback, a proxy's
header through header_auth_callback, and the chat sees the cl.User the callback returned
(its identifier; its metadata's role gives the profiles)."""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.error
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import expect

from chatsessions.testing import ChatClient
from chatsessions.wire.frames import ErrorCode
from tests.browsing import last_reply, say
from tests.servers import ROOT, demo_server, login


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    started = demo_server(tmp_path_factory.mktemp("accounts"), settings="tests.header_auth_settings")
    # The demo's superuser is named admin, whom a callback never logs in: rename it, so
    # that "admin" is the callbacks' user, as in Chainlit's apps.
    rename = (
        "from django.contrib.auth.models import User; "
        "User.objects.filter(username='admin').update(username='staff')"
    )
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", rename], cwd=ROOT, env=started.env, check=True
    )
    yield started
    started.stop()


def log_in_as_admin(browser: Any, server: Any, path: str) -> Any:
    page = browser.new_context(viewport={"width": 1000, "height": 760}).new_page()
    page.goto(server.base + path)
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.fill("#id_username", "admin")
    page.fill("#id_password", "user")  # the wrong password first: refused
    page.click("button[type=submit]")
    expect(page.locator(".errors")).to_be_visible()
    page.fill("#id_username", "admin")
    page.fill("#id_password", "admin")
    page.click("button[type=submit]")
    expect(page).to_have_url(server.base + path)
    expect(page.locator(".cs-status")).to_have_attribute("data-state", "connected")
    return page


def test_password_auth_says_hello_to_the_callbacks_user(browser, server):
    page = log_in_as_admin(browser, server, "/chat/e2e-password-auth/")
    expect(page.locator(".cs-message").first).to_contain_text("Hello admin")
    page.reload()  # still logged in
    expect(page.locator(".cs-status")).to_have_attribute("data-state", "connected")
    page.context.close()


def test_chat_profiles_are_the_callbacks_users_with_their_starters(browser, server):
    page = log_in_as_admin(browser, server, "/chat/e2e-chat-profiles/")
    expect(page.locator(".cs-profile option")).to_have_text(["GPT-3.5", "GPT-4", "GPT-5"])
    page.locator(".cs-starter", has_text="Say hi").click()
    expect(last_reply(page)).to_have_text("starting chat with admin using the GPT-3.5 chat profile")
    page.locator(".cs-profile").select_option("GPT-4")
    # Another profile is a new chat: its starters show once it has started.
    expect(page.locator(".cs-starter", has_text="Ask for help")).to_be_visible()
    expect(page.locator(".cs-message")).to_have_count(0)
    say(page, "hello")
    expect(last_reply(page)).to_have_text("starting chat with admin using the GPT-4 chat profile")
    page.context.close()


def test_header_auth_logs_in_whoever_the_proxys_header_names(browser, server):
    context = browser.new_context(viewport={"width": 1000, "height": 760})
    page = context.new_page()
    page.goto(server.base + "/chat/e2e-header-auth/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))  # no header: not logged in
    context.set_extra_http_headers({"test-header": "test header value"})  # as the proxy adds it
    page.goto(server.base + "/chat/e2e-header-auth/")
    expect(page.locator(".cs-message").first).to_contain_text("Hello admin")
    page.reload()
    expect(page.locator(".cs-status")).to_have_attribute("data-state", "connected")
    context.close()


def test_custom_element_auth_reads_no_file_a_client_names(server):
    # Chainlit's custom_element_auth spec: a logged-in client puts a custom element with
    # a path of the server's own, then asks for it as a file. Here an element frame names
    # only an element the chat shows, changes only its props, and a file is a ChatFile.
    cookie = login(server.base, "admin", "admin")  # through the app's callback
    with ChatClient("e2e-custom-element-auth", server=server.base, cookie=cookie) as chat:
        (hello,) = chat.history
        assert hello.content == "Hello world!"
        forged = {"id": "test", "for": hello.id, "type": "custom", "name": "test", "display": "inline"}
        forged["path"] = "tests/chainlit_e2e/custom_element_auth/test.txt"
        chat.send_frame({"type": "element_update", "element": forged, "props": {}})
        assert chat.expect("error")["code"] == ErrorCode.UNKNOWN_ELEMENT
    request = urllib.request.Request(f"{server.base}/chat/files/test/", headers={"Cookie": cookie})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 404


def test_config_overrides_profiles_run_or_are_refused_with_a_clear_error(browser, server):
    page = log_in_as_admin(browser, server, "/chat/e2e-config-overrides/")
    expect(page.locator(".cs-profile option")).to_have_text(
        ["Default Profile", "MCP Enabled", "MCP Disabled"]
    )
    page.locator(".cs-starter", has_text="Default Chat").click()
    expect(last_reply(page)).to_have_text("starting chat with admin using the Default Profile chat profile")
    # MCP has no counterpart here: a chat with that profile is refused, saying why.
    page.locator(".cs-profile").select_option("MCP Enabled")
    expect(page.locator(".cs-notices")).to_contain_text(
        "chat profile 'MCP Enabled' overrides settings chats here have no counterpart for: "
        "features.mcp.enabled=True"
    )
    # MCP Disabled asks for what chats here do anyway: it runs.
    page.locator(".cs-profile").select_option("MCP Disabled")
    expect(page.locator(".cs-status")).to_have_attribute("data-state", "connected")
    say(page, "hello")
    expect(last_reply(page)).to_have_text("starting chat with admin using the MCP Disabled chat profile")
    page.context.close()


def test_a_profiles_ui_name_names_its_chats(browser, server):
    page = log_in_as_admin(browser, server, "/chat/config-overrides/")
    expect(page).to_have_title("New chat · Research desk")  # the first profile's ui.name
    say(page, "hi")
    expect(last_reply(page)).to_have_text("Named: hi")
    expect(page).to_have_title("hi · Research desk")
    page.locator(".cs-profile").select_option("As here")
    expect(page).to_have_title("New chat · config-overrides")
    page.context.close()


def test_thread_resume_reopens_a_chat_from_the_history_list(browser, server):
    page = browser.new_context(viewport={"width": 1200, "height": 800}).new_page()
    page.goto(server.base + "/chat/e2e-thread-resume/")
    page.fill("#id_username", "alice")  # the app's own password_auth_callback's user
    page.fill("#id_password", "a")
    page.click("button[type=submit]")
    expect(page.locator(".cs-message .cs-content").first).to_have_text("Welcome, say hi to start!")
    say(page, "hi")
    expect(last_reply(page)).to_have_text("Echo: hi")
    page.reload()  # Chainlit's spec: the thread resumes, its composer there
    expect(page.locator(".cs-status")).to_have_text("Connected (resumed)")
    expect(page.locator(".cs-input")).to_be_enabled()
    say(page, "still here")
    expect(last_reply(page)).to_have_text("Echo: still here")
    page.click(".cs-new-chat")
    expect(page.locator(".cs-message .cs-content").first).to_have_text("Welcome, say hi to start!")
    page.locator(".cs-chat-item .cs-chat-link").filter(has_text="hi").click()
    expect(page.locator(".cs-status")).to_have_text("Connected (resumed)")
    expect(page.locator(".cs-message .cs-content")).to_contain_text(
        ["hi", "Echo: hi", "still here", "Echo: still here"]
    )
    say(page, "and again")
    expect(last_reply(page)).to_have_text("Echo: and again")
    page.context.close()
