"""The chat page in a real headless Chromium against the demo server."""

import os

import pytest
from playwright.sync_api import expect

from tests.browsing import admin_page, last_reply, logged_in, say
from tests.servers import ROOT


@pytest.fixture
def login(browser, demo_server):
    with logged_in(browser, demo_server) as log_in:
        yield log_in


def apply_settings(page, tone=None, delay=None, sign=None):
    """Opens the settings panel, changes what is given, and applies it."""
    page.click(".cs-toggle-settings")
    if tone is not None:
        page.select_option(".cs-settings select[name=tone]", tone)
    if delay is not None:
        page.fill(".cs-settings input[name=delay]", str(delay))
    if sign:
        page.check(".cs-settings input[name=sign]")
    page.click(".cs-settings button[type=submit]")


def test_the_demos_chat_page_fills_the_window_under_its_header(login):
    page = login("alice", "/chat/")
    header = page.locator("header").bounding_box()
    app = page.locator(".cs-app").bounding_box()
    assert app["y"] == header["y"] + header["height"]  # right under the header
    assert app["y"] + app["height"] == page.viewport_size["height"]  # to the window's bottom: no strip
    assert page.evaluate("document.documentElement.scrollHeight <= innerHeight")


def test_a_user_logs_in_and_counts_to_three(login):
    page = login("alice")
    for n in range(1, 4):
        say(page, f"message {n}")
        expect(last_reply(page)).to_have_text(f"You sent {n} message(s)!")
    expect(page.locator(".cs-message.cs-user")).to_have_count(3)


def test_two_users_in_two_browsers_count_separately(login):
    alice, bob = login("alice"), login("bob")
    say(alice, "a")
    expect(last_reply(alice)).to_have_text("You sent 1 message(s)!")
    say(alice, "b")
    expect(last_reply(alice)).to_have_text("You sent 2 message(s)!")
    say(bob, "c")
    expect(last_reply(bob)).to_have_text("You sent 1 message(s)!")


def test_a_reload_resumes_the_chat_with_its_history(login):
    page = login("alice")
    say(page, "one")
    expect(last_reply(page)).to_have_text("You sent 1 message(s)!")
    say(page, "two")
    expect(last_reply(page)).to_have_text("You sent 2 message(s)!")
    session_id = page.locator("[data-chatsessions]").get_attribute("data-session-id")
    page.reload()
    expect(page.locator(".cs-status")).to_have_text("Connected (resumed)")
    assert page.locator("[data-chatsessions]").get_attribute("data-session-id") == session_id
    expect(page.locator(".cs-message .cs-content")).to_have_text(
        ["one", "You sent 1 message(s)!", "two", "You sent 2 message(s)!"]
    )
    say(page, "three")
    expect(last_reply(page)).to_have_text("You sent 3 message(s)!")


def test_new_chat_starts_a_fresh_counter(login):
    page = login("alice")
    say(page, "one")
    expect(last_reply(page)).to_have_text("You sent 1 message(s)!")
    page.click(".cs-new-chat")
    expect(page.locator(".cs-message")).to_have_count(0)
    expect(page.locator(".cs-status")).to_have_text("Connected")
    say(page, "again")
    expect(last_reply(page)).to_have_text("You sent 1 message(s)!")


def test_shift_enter_makes_a_new_line_and_enter_sends(login):
    page = login("alice")
    page.click(".cs-input")
    page.keyboard.type("first line")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("second line")
    expect(page.locator(".cs-input")).to_have_value("first line\nsecond line")
    page.keyboard.press("Enter")
    expect(page.locator(".cs-message.cs-user .cs-content br")).to_have_count(1)
    expect(last_reply(page)).to_have_text("You sent 1 message(s)!")


def test_a_changed_setting_changes_the_reply(login):
    page = login("alice", "/chat/assistant/")
    apply_settings(page, tone="shouting")
    expect(last_reply(page)).to_have_text("Tone is now shouting.")
    say(page, "hello there")
    expect(last_reply(page)).to_have_text("YOU SAID: HELLO THERE")


def test_stop_interrupts_a_streaming_reply(login):
    page = login("alice", "/chat/assistant/")
    apply_settings(page, delay=500)
    expect(last_reply(page)).to_have_text("Tone is now plain.")
    message = "a long message that takes a good while to stream back"
    say(page, message)
    expect(page.locator(".cs-message.cs-streaming")).to_have_count(1)
    expect(page.locator(".cs-stop")).to_be_visible()
    page.click(".cs-stop")
    expect(last_reply(page)).to_have_text("(stopped)")
    expect(page.locator(".cs-stop")).to_be_hidden()
    replies = page.locator(".cs-message.cs-assistant .cs-content")
    expect(replies.nth(-2)).to_have_text("Task manually stopped.")  # as Chainlit's page says
    partial = replies.nth(-3).inner_text()
    assert f"You said: {message}".startswith(partial.strip())
    assert not partial.strip().endswith("back")


def test_profiles_are_picked_before_the_chat_starts(login):
    page = login("alice", "/chat/assistant/")
    expect(page.locator(".cs-profile")).to_have_value("Echo")
    page.select_option(".cs-profile", "Counter")
    expect(page.locator(".cs-message .cs-content").first).to_have_text(
        "Hello! Profile Counter. Ask me anything."
    )
    say(page, "three little words")
    expect(last_reply(page)).to_have_text("That was 3 words; 3 in this chat.")


def test_user_env_is_kept_in_the_tab_and_reaches_the_handler(login):
    page = login("alice", "/chat/assistant/")
    page.click(".cs-toggle-env")
    page.fill(".cs-env input[name=NICKNAME]", "Captain")
    page.click(".cs-env button[type=submit]")
    expect(page.locator(".cs-status")).to_have_text("Connected (resumed)")
    apply_settings(page, sign=True, delay=0)
    expect(last_reply(page)).to_have_text("Tone is now plain.")
    say(page, "hi")
    expect(last_reply(page)).to_have_text("You said: hi (for Captain)")
    assert "Captain" not in page.url
    assert page.evaluate("sessionStorage.getItem('chatsessions:assistant:env')") == '{"NICKNAME":"Captain"}'


XSS = [
    "<script>window.__xss = 1</script>",
    '<img src="x" onerror="window.__xss = 2">',
    "[click me](javascript:window.__xss=3)",
    '<a href="javascript:window.__xss=4">link</a>',
]


def test_messages_cannot_run_script(login):
    page = login("alice", "/chat/assistant/")
    for attack in XSS:
        say(page, attack)
        expect(last_reply(page)).to_contain_text("You said:")
    page.locator(".cs-messages a").first.click()
    page.reload()  # the history replays the same content
    expect(page.locator(".cs-message.cs-user")).to_have_count(len(XSS))
    assert page.evaluate("window.__xss") is None
    expect(page.locator(".cs-messages img, .cs-messages script")).to_have_count(0)
    for href in page.locator(".cs-messages a").evaluate_all("links => links.map(a => a.href)"):
        assert not href.lower().startswith("javascript:")
    expect(page.locator(".cs-message.cs-user .cs-content").first).to_have_text(XSS[0])


def test_a_server_error_is_shown_as_a_notice(login):
    page = login("alice")
    page.fill(".cs-input", "x" * 70_000)
    page.press(".cs-input", "Enter")
    expect(page.locator(".cs-notice.cs-error")).to_contain_text("frame_too_large")
    say(page, "still here")
    expect(last_reply(page)).to_have_text("You sent 1 message(s)!")


def test_staff_inspect_a_chat_in_admin(login, browser, demo_server, tmp_path):
    page = login("alice", "/chat/assistant/")
    page.click(".cs-toggle-env")
    page.fill(".cs-env input[name=NICKNAME]", "Captain")
    page.click(".cs-env button[type=submit]")
    expect(page.locator(".cs-status")).to_have_text("Connected (resumed)")
    say(page, "Show me in admin")
    expect(last_reply(page)).to_contain_text("You said: Show me in admin")
    session_id = page.locator("[data-chatsessions]").get_attribute("data-session-id")

    admin = admin_page(browser, demo_server, "/admin/chatsessions/chatsession/")
    expect(admin.locator("#result_list")).to_be_visible()
    expect(admin.locator(f"#result_list a:text('{session_id}')")).to_have_count(1)
    folder = ROOT / "docs" if os.environ.get("SCREENSHOTS") == "docs" else tmp_path
    admin.screenshot(path=folder / "admin-list.png")
    admin.click(f"#result_list a:text('{session_id}')")
    expect(admin.locator(".field-env_names")).to_contain_text("NICKNAME = ••••••••")
    expect(admin.locator("body")).not_to_contain_text("Captain")
    expect(admin.locator(".field-content")).to_have_text(
        [
            "Hello! Profile **Echo**. Ask me anything.",
            "Welcome back.",
            "Show me in admin",
            "You said: Show me in admin",
        ]
    )
    admin.screenshot(path=folder / "admin-session.png", full_page=True)
    admin.context.close()


def test_the_chat_page_runs_under_a_strict_csp_that_blocks_and_reports_inline_script(login, browser):
    page = login("alice")
    policy = page.request.get(page.url).headers["content-security-policy"]
    for directive in ("script-src 'self'", "style-src 'self'", "object-src 'none'", "frame-ancestors 'self'"):
        assert directive in policy
    say(page, "one")  # the page works under it: the tests of this module all run under it
    expect(last_reply(page)).to_have_text("You sent 1 message(s)!")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.head.append(script);
            const style = document.createElement("style");
            style.textContent = "body { display: none }";
            document.head.append(style);
        }"""
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.injected") is None
    expect(page.locator(".cs-chat")).to_be_visible()
    # The browser reported both, and a browser test that did this would fail on them.
    reported = browser.take_errors()
    assert len([error for error in reported if "Content Security Policy" in error]) == 2, reported
