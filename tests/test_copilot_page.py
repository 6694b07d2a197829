"""The copilot in headless Chromium, on the demo's product page ({% chat_widget %}): the
widget opens the chat on the user's own login, the chat knows the page and its product,
a CopilotFunction calls the page's registered function, window messages go each way, and
Chainlit's copilot and window_message apps run as their specs say. A message from a frame
of another origin reaches nothing, and another origin cannot frame the chat at all."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.servers import DEMO_PASSWORD, ROOT

pytestmark = pytest.mark.usefixtures("browser")


@pytest.fixture(scope="module")
def server(test_apps_server: Any) -> Any:
    return test_apps_server


@pytest.fixture
def product_page(browser: Any, server: Any) -> Any:
    contexts = []

    def open_page(path: str = "/product/", **options: Any) -> Any:
        options.setdefault("viewport", {"width": 1100, "height": 800})
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.goto(server.base + path)
        expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
        page.fill("#id_username", "alice")
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        expect(page).to_have_url(server.base + path)
        return page

    yield open_page
    for context in contexts:
        context.close()


def open_chat(page: Any) -> Any:
    """Opens the widget; returns the chat inside its frame, connected."""
    page.locator("chat-widget").locator("#chat-widget-button").click()
    chat = page.frame_locator("chat-widget iframe")
    expect(chat.locator(".cs-status")).to_have_attribute("data-state", "connected")
    return chat


def say_in(chat: Any, text: str) -> None:
    chat.locator(".cs-input").fill(text)
    chat.locator(".cs-input").press("Enter")


def replies(chat: Any) -> Any:
    return chat.locator(".cs-message.cs-assistant .cs-content")


def test_the_widget_opens_the_chat_which_knows_its_page(product_page):
    page = product_page()
    launcher = page.locator("chat-widget").locator("#chat-widget-button")
    expect(launcher).to_have_attribute("aria-expanded", "false")
    expect(page.locator("chat-widget iframe")).to_have_count(0)  # nothing loads until it opens
    chat = open_chat(page)
    expect(launcher).to_have_attribute("aria-expanded", "true")
    expect(replies(chat).first).to_contain_text("You are looking at the Blue kettle.")
    page.keyboard.press("Escape")  # from the host page's focus or the widget's
    page.locator("chat-widget").locator("#chat-widget-button").click()
    expect(replies(chat).first).to_contain_text("Blue kettle")


def test_a_copilot_function_calls_the_pages_registered_function(product_page):
    page = product_page()
    chat = open_chat(page)
    say_in(chat, "highlight it please")
    expect(replies(chat).last).to_have_text('Done: highlighted Blue kettle for "highlight it please".')
    expect(page.locator(".product-name")).to_have_class(re.compile(r"\bhighlighted\b"))


def test_window_messages_go_each_way(product_page):
    page = product_page()
    chat = open_chat(page)
    say_in(chat, "hello page")
    expect(page.locator(".window-messages li")).to_have_text(["The chat heard: hello page"])
    page.locator("chat-widget").evaluate("widget => widget.postToChat('ping')")
    expect(replies(chat).last).to_have_text("The page posted: ping")
    page.locator("chat-widget").evaluate("widget => widget.sendSystemMessage('cart emptied')")
    expect(replies(chat).last).to_have_text("The page says: cart emptied")


def test_chainlits_copilot_app_calls_the_page_as_its_spec_does(product_page):
    page = product_page("/product/e2e-copilot/")
    # The spec's page: on the call, a system message, then the callback's answer.
    page.evaluate(
        """() => window.addEventListener("chainlit-call-fn", (e) => {
            document.querySelector("chat-widget").sendSystemMessage("Hello World!");
            const { name, args, callback } = e.detail;
            if (name === "test") callback("Function called with: " + args.msg);
        })"""
    )
    chat = open_chat(page)
    expect(chat.locator(".cs-message .cs-content")).to_have_text(["Hi from copilot!"])
    say_in(chat, "Call func!")
    expect(chat.locator(".cs-message .cs-content")).to_have_count(5)
    expect(chat.locator(".cs-message", has_text="Function called with: Call func!")).to_be_visible()
    expect(chat.locator(".cs-message", has_text="System message received: Hello World!")).to_be_visible()


def test_chainlits_window_message_app_answers_the_page(product_page):
    page = product_page("/product/e2e-window-message/")
    chat = open_chat(page)
    expect(replies(chat).first).to_have_text("Window message test ready")
    page.locator("chat-widget").evaluate("widget => widget.postToChat('Client: Hello')")
    expect(page.locator(".window-messages li")).to_have_text(["Server: World"])


def test_a_function_the_page_never_registered_fails_clearly(product_page):
    page = product_page("/product/copilot-calls/")
    chat = open_chat(page)
    say_in(chat, "nowhere")
    expect(replies(chat).last).to_have_text(
        "refused: the page could not call 'nowhere': no function named \"nowhere\" is registered on this page"
    )


def test_posts_from_another_frame_or_origin_reach_nothing(product_page, server):
    page = product_page()
    chat = open_chat(page)
    # A frame of another origin on the host page posts to the chat's frame: dropped.
    page.evaluate(
        """() => {
            const other = document.createElement("iframe");
            other.srcdoc = "<script>parent.document.querySelector('chat-widget').shadowRoot" +
                ".querySelector('iframe').contentWindow.postMessage('forged', '*')<\\/script>";
            document.body.append(other);
        }"""
    )
    say_in(chat, "after")
    expect(replies(chat).last).to_have_text("You said “after”. I told the page too.")
    expect(chat.locator(".cs-message", has_text="forged")).to_have_count(0)
    # Another origin (localhost is not 127.0.0.1) cannot frame the chat (frame-ancestors),
    # where the site's own origin can.
    for host, shown in ((server.base, 1), (server.base.replace("127.0.0.1", "localhost"), 0)):
        framing = page.context.new_page()
        framing.goto(host + "/accounts/login/")
        framing.evaluate(
            """(src) => new Promise((loaded) => {
                const frame = document.createElement("iframe");
                frame.addEventListener("load", loaded);
                frame.src = src;
                document.body.append(frame);
            })""",
            f"{server.base}/chat/copilot/?client=copilot",
        )
        framed = framing.locator("iframe").element_handle().content_frame()
        assert framed is not None and framed.locator(".cs-app").count() == shown, host
        framing.close()


def test_the_widget_closed_open_and_on_a_phone(product_page, tmp_path):
    """SCREENSHOTS=docs saves these under docs/ (the copilot's pictures), else in a temp dir."""
    folder = ROOT / "docs" if os.environ.get("SCREENSHOTS") == "docs" else tmp_path
    page = product_page()
    expect(page.locator("chat-widget").locator("#chat-widget-button")).to_be_visible()
    page.screenshot(path=str(folder / "copilot-closed.png"))
    chat = open_chat(page)
    say_in(chat, "highlight it")
    expect(replies(chat).last).to_contain_text("Done: highlighted Blue kettle")
    page.screenshot(path=str(folder / "copilot-open.png"))
    phone = product_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    chat = open_chat(phone)
    expect(replies(chat).first).to_contain_text("Blue kettle")
    box = phone.locator("chat-widget iframe").bounding_box()
    assert box is not None and box["width"] == 390  # the whole screen
    phone.screenshot(path=str(folder / "copilot-phone.png"))


def test_a_post_to_a_closed_widget_loads_the_chat_and_leaves_it_closed(product_page):
    page = product_page()
    page.locator("chat-widget").evaluate("widget => widget.postToChat('before opening')")
    expect(page.locator("chat-widget").locator("#chat-widget-button")).to_have_attribute(
        "aria-expanded", "false"
    )
    chat = open_chat(page)
    expect(replies(chat).last).to_have_text("The page posted: before opening")
