"""Chainlit's end-to-end apps on the chat page, in headless Chromium, as their specs
click and read them (tests/chainlit_e2e; the protocol side is tests/test_chainlit_e2e.py)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browsing import last_reply, logged_in, say


@pytest.fixture(scope="module")
def server(test_apps_server: Any) -> Any:
    # The demo's server, with the test apps (Chainlit's among them).
    return test_apps_server


@pytest.fixture
def login(browser: Any, server: Any) -> Any:
    with logged_in(browser, server) as log_in:
        yield log_in


def button(page: Any, action_id: str) -> Any:
    return page.locator(f'.cs-action[data-id="{action_id}"]')


def test_action_buttons_run_and_go_away_as_the_spec_clicks_them(login):
    page = login("alice", "/chat/e2e-action/")
    button(page, "first-action").click()
    expect(page.locator(".cs-message")).to_have_count(3)
    expect(last_reply(page)).to_have_text("Thanks for pressing: first-action")
    button(page, "test-action").click()
    expect(last_reply(page)).to_have_text("Executed test action!")
    expect(button(page, "test-action")).to_have_count(1)
    button(page, "removable-action").click()
    expect(last_reply(page)).to_have_text("Executed removable action!")
    expect(button(page, "removable-action")).to_have_count(0)
    button(page, "multiple-action-one").click()
    expect(last_reply(page)).to_have_text("Action(id=multiple-action-one) has been removed!")
    expect(button(page, "multiple-action-one")).to_have_count(0)
    button(page, "multiple-action-two").click()
    expect(button(page, "multiple-action-two")).to_have_count(0)
    button(page, "all-actions-removed").click()
    expect(last_reply(page)).to_have_text("All actions have been removed!")
    expect(button(page, "all-actions-removed")).to_have_count(0)
    expect(button(page, "test-action")).to_have_count(0)


def test_the_context_is_found_from_async_make_async_and_run_sync(login):
    page = login("alice", "/chat/e2e-context/")
    expect(page.locator(".cs-message .cs-content")).to_have_text(
        [
            "emitter from async found!",
            "emitter from make_async found!",
            "emitter from async_from_sync found!",
        ],
        timeout=15_000,
    )


def test_a_sequence_stream_replaces_its_text_and_the_tool_step_shows_its_tokens(login):
    page = login("alice", "/chat/e2e-streaming/")
    second = page.locator(".cs-message .cs-content").nth(1)
    # While it streams, the sequence's message only ever shows a prefix of its last text.
    expect(second).to_contain_text("the quick", timeout=10_000)
    assert "the quick brown fox".startswith(second.inner_text().strip())
    expect(page.locator(".cs-message .cs-content")).to_have_text(["the quick brown fox"] * 2)
    step = page.locator(".cs-step", has_text="tool1")
    step.locator("summary").click()
    expect(step.locator(".cs-step-output")).to_have_text("the quick brown fox", timeout=10_000)


def test_stop_says_the_task_was_stopped(login):
    page = login("alice", "/chat/e2e-stop-task/")
    say(page, "Hello")
    expect(page.locator(".cs-stop")).to_be_visible()
    page.click(".cs-stop")
    expect(page.locator(".cs-stop")).to_be_hidden()
    expect(page.locator(".cs-message")).to_have_count(3)
    expect(last_reply(page)).to_have_text("Task manually stopped.")


def test_an_error_message_shows_as_an_error(login):
    page = login("alice", "/chat/probe/")
    say(page, "error something broke")
    expect(last_reply(page)).to_have_text("something broke")
    expect(page.locator(".cs-message.cs-error-message")).to_have_count(1)


def test_a_starter_button_sends_its_message(login):
    page = login("alice", "/chat/e2e-starters/")
    expect(page.locator(".cs-starter")).to_have_text(["test1", "test2", "test3"])
    page.locator(".cs-starter", has_text="test1").click()
    expect(page.locator(".cs-message .cs-content")).to_have_text(["Running starter 1"] * 2)


def test_a_category_shows_its_starters_and_hides_them_on_a_second_click(login):
    page = login("alice", "/chat/e2e-starters-categories/")
    categories = page.locator(".cs-starter-category")
    expect(categories).to_have_text(["Creative", "Educational"])
    expect(page.locator(".cs-starter")).to_have_count(0)
    categories.nth(0).click()
    expect(page.locator(".cs-starter")).to_have_text(["poem", "story"])
    categories.nth(0).click()
    expect(page.locator(".cs-starter")).to_have_count(0)
    categories.nth(1).click()
    expect(page.locator(".cs-starter")).to_have_text(["explain"])
    categories.nth(0).click()  # one category open at a time
    page.locator('.cs-starter[data-label="poem"]').click()
    expect(page.locator(".cs-message .cs-content")).to_have_text(["Write a poem"] * 2)
    expect(page.locator(".cs-starter-category")).to_have_count(0)


def test_the_running_indicator_shows_until_the_reply_comes(login):
    page = login("alice", "/chat/e2e-blinking-cursor/")
    expect(last_reply(page)).to_have_text("Hello, this is a test message!")
    say(page, "Jeeves")
    expect(page.locator(".cs-running")).to_be_visible()
    expect(last_reply(page)).to_have_text("Received message: Jeeves", timeout=10_000)
    expect(page.locator(".cs-running")).to_be_hidden()


def test_file_elements_are_four_downloads(login):
    page = login("alice", "/chat/e2e-file-element/")
    links = page.locator(".cs-message .cs-file")
    expect(links).to_have_count(4)
    names = sorted(links.nth(index).get_attribute("download") for index in range(4))
    assert names == sorted(["example.mp4", "cat.jpeg", "hello.py", "example.mp3"])


@pytest.mark.parametrize(
    ("app", "shown"), [("e2e-pyplot", ".cs-element-image img"), ("e2e-plotly", ".cs-chart")]
)
def test_a_chart_shows_inline(login, app, shown):
    page = login("alice", f"/chat/{app}/")
    expect(page.locator(".cs-message")).to_have_count(1)
    expect(page.locator(f".cs-message {shown}")).to_have_count(1)


def test_a_dataframe_shows_as_a_table(login):
    page = login("alice", "/chat/e2e-dataframe/")
    table = page.locator(".cs-message .cs-dataframe")
    expect(table.locator("th")).to_have_text(["Name", "Age", "City", "Salary"])
    expect(table.locator("tbody tr")).to_have_count(15)
    expect(table.locator("tbody tr").first.locator("td")).to_have_text(["Alice", "25", "New York", "70000"])


def test_an_audio_element_plays_in_a_player(login):
    page = login("alice", "/chat/e2e-audio-element/")
    player = page.locator(".cs-message audio.cs-audio")
    expect(player).to_have_count(1)
    duration = player.evaluate(
        """audio => audio.readyState >= 1 ? audio.duration : new Promise((resolve, reject) => {
            audio.addEventListener("loadedmetadata", () => resolve(audio.duration));
            audio.addEventListener("error", () => reject(new Error("cannot play")));
        })"""
    )
    assert duration > 0


def test_elements_show_inline_or_behind_a_link_to_the_side_or_page_view(login):
    page = login("alice", "/chat/e2e-elements/")
    messages = page.locator(".cs-message")
    expect(messages).to_have_count(3)
    expect(messages.nth(0).locator(".cs-element-image")).to_have_count(1)
    third = messages.nth(2)
    expect(third.locator(".cs-element-image")).to_have_count(1)
    expect(third.locator(".cs-element-pdf")).to_have_count(1)
    expect(third.locator(".cs-element-link")).to_have_text(["text1", "text2"])
    expect(page.locator(".cs-side-view")).to_be_hidden()
    third.locator(".cs-element-link", has_text="text1").click()
    expect(page.locator(".cs-side-view-title")).to_have_text("text1")
    expect(page.locator(".cs-side-view-content")).to_contain_text("Here is a side text document")
    third.locator(".cs-element-link", has_text="text2").click()
    view = page.locator(".cs-element-view")
    expect(view).to_be_visible()
    expect(view).to_contain_text("text2")
    expect(view).to_contain_text("Here is a page text document")
    view.locator(".cs-close").click()
    expect(view).to_be_hidden()
    page.locator(".cs-side-view .cs-close").click()
    expect(page.locator(".cs-side-view")).to_be_hidden()


def test_a_side_pdf_opens_the_side_view_as_it_arrives(login):
    page = login("alice", "/chat/e2e-pdf-viewer/")
    expect(page.locator(".cs-message").nth(0).locator(".cs-element-pdf iframe")).to_have_count(1)
    expect(page.locator(".cs-side-view-title")).to_have_text("side_pdf")
    expect(page.locator(".cs-side-view-content .cs-element-pdf iframe")).to_have_count(1)


def test_the_element_sidebar_shows_what_the_handler_sets_then_closes(login):
    page = login("alice", "/chat/e2e-sidebar/")
    content = page.locator(".cs-side-view-content")
    expect(page.locator(".cs-side-view-title")).to_have_text("Test title")
    expect(content.locator(".cs-element-image")).to_have_count(1)
    expect(content.locator(".cs-element-pdf")).to_have_count(1)
    expect(content.locator(".cs-element-text pre")).to_have_text(
        ["Here is a side text document", "Here is a page text document"]
    )
    say(page, "Update sidebar")
    expect(page.locator(".cs-side-view-title")).to_have_text("Title changed!")
    expect(content.locator(".cs-element-image")).to_have_count(0)
    expect(content.locator(".cs-element-text pre")).to_have_text(["Text changed!"])
    expect(page.locator(".cs-side-view")).to_be_hidden(timeout=10_000)


def test_chat_settings_sent_by_the_handler_are_changed_and_kept(login):
    page = login("alice", "/chat/e2e-chat-settings/")
    page.click(".cs-toggle-settings")
    form = page.locator(".cs-settings")
    expect(form.locator("select[name=Model]")).to_have_value("gpt-3.5-turbo")
    expect(form.locator("label", has=page.locator("[name=SAI_Width]"))).to_have_attribute(
        "title", "Measured in pixels"
    )
    form.locator("select[name=Model]").select_option("gpt-4")
    temperature = form.locator("input[name=Temperature]")
    temperature.focus()
    for _ in range(6):
        temperature.press("ArrowLeft")
    expect(temperature).to_have_value("0.4")
    steps = form.locator("input[name=SAI_Steps]")
    steps.focus()
    for _ in range(6):
        steps.press("ArrowRight")
    expect(steps).to_have_value("36")
    form.locator("button[type=submit]").click()
    expect(last_reply(page)).to_have_text("Settings updated!")
    page.reload()  # the chat resumes with its settings
    expect(page.locator(".cs-status")).to_have_text("Connected (resumed)")
    page.click(".cs-toggle-settings")
    expect(form.locator("select[name=Model]")).to_have_value("gpt-4")
    expect(form.locator("input[name=Temperature]")).to_have_value("0.4")
    expect(form.locator("input[name=SAI_Steps]")).to_have_value("36")


def test_a_step_with_an_icon_shows_it_from_the_sprite(login, server):
    page = login("alice", "/chat/e2e-step-icon/")
    say(page, "Hello")
    steps = page.locator(".cs-step")
    expect(steps).to_have_count(4, timeout=15_000)
    expect(steps.last).not_to_have_class(re.compile("cs-step-running"), timeout=15_000)
    for name, icon in [("search", "search"), ("database", "database"), ("regular", None), ("cpu", "cpu")]:
        summary = page.locator(".cs-step summary", has_text=name)
        if icon is None:
            expect(summary.locator("svg.cs-step-icon")).to_have_count(0)
        else:
            href = summary.locator("svg.cs-step-icon use").get_attribute("href")
            sprite, symbol = href.split("#")
            assert symbol == icon
            assert f'<symbol id="{icon}"' in page.request.get(server.base + sprite).text()


def test_the_task_list_shows_each_state_and_goes_when_the_handler_removes_it(login):
    page = login("alice", "/chat/e2e-tasklist/")
    tasks = page.locator(".cs-tasklist .cs-task")
    expect(page.locator(".cs-tasklist .cs-task-failed")).to_have_count(1, timeout=20_000)
    expect(tasks).to_have_count(17)
    expect(page.locator(".cs-tasklist .cs-task-done")).to_have_count(9)
    expect(page.locator(".cs-tasklist .cs-task-ready")).to_have_count(7)
    expect(page.locator(".cs-tasklist .cs-task-running")).to_have_count(0)
    expect(page.locator(".cs-tasklist-status")).to_have_text("Running...")
    expect(page.locator(".cs-step")).to_have_count(0)
    say(page, "ok")
    expect(page.locator(".cs-tasklist")).to_have_count(0)


def test_removed_elements_leave_the_message_and_the_step(login):
    page = login("alice", "/chat/e2e-remove-elements/")
    step = page.locator(".cs-step", has_text="tool1")
    expect(step).to_have_count(1)
    step.locator("summary").click()
    expect(step.locator(".cs-element-image")).to_have_count(1)
    expect(step.locator(".cs-element-image")).to_have_attribute("data-name", "image2")
    message = page.locator(".cs-message", has_text="This message has an image")
    expect(message.locator(".cs-element-image")).to_have_count(1)
    expect(message.locator(".cs-element-image")).to_have_attribute("data-name", "image2")


def test_ask_file_is_answered_by_choosing_files_shown_with_the_question(login):
    fixtures = Path(__file__).parent / "fixtures"
    page = login("alice", "/chat/e2e-ask-file/")
    asking = page.locator(".cs-message.cs-asking")
    expect(asking.locator(".cs-content")).to_have_text("Please upload a text file to begin!")
    with page.expect_file_chooser() as chooser:
        asking.locator(".cs-choose-files").click()
    chooser.value.set_files(str(fixtures / "state_of_the_union.txt"))
    messages = page.locator(".cs-message")
    expect(messages.nth(1)).to_contain_text("Text file state_of_the_union.txt uploaded, it contains")
    expect(messages.nth(0).locator(".cs-element")).to_have_count(1)  # the file, with its question
    expect(messages).to_have_count(3)  # and the next question
    with page.expect_file_chooser() as chooser:
        page.locator(".cs-message.cs-asking .cs-choose-files").click()
    chooser.value.set_files(str(fixtures / "hello.cpp"))
    expect(page.locator(".cs-notices")).to_contain_text("the question asks for")
    expect(messages).to_have_count(3)
    with page.expect_file_chooser() as chooser:
        page.locator(".cs-message.cs-asking .cs-choose-files").click()
    chooser.value.set_files(str(fixtures / "hello.py"))
    expect(messages).to_have_count(4)
    expect(messages.nth(3)).to_contain_text("Python file hello.py uploaded, it contains")
    expect(page.locator(".cs-choose-files")).to_have_count(0)
    expect(page.locator(".cs-message.cs-user")).to_have_count(0)


def test_an_edited_message_runs_again_from_there(login):
    page = login("alice", "/chat/e2e-edit-message/")
    say(page, "Hello 1")
    expect(last_reply(page)).to_have_text("Chat context length: 1")
    say(page, "Hello 2")
    messages = page.locator(".cs-message")
    expect(messages).to_have_count(4)
    expect(last_reply(page)).to_have_text("Chat context length: 3")
    first = messages.nth(0)
    first.hover()
    first.locator(".cs-edit-message").click()
    first.locator(".cs-edit-input").fill("Hello 3")
    first.locator(".cs-confirm-edit").click()
    expect(messages).to_have_count(2)
    expect(messages.nth(0).locator(".cs-content")).to_have_text("Hello 3")
    expect(messages.nth(1)).to_contain_text("Chat context length: 1")
    page.reload()  # as the chat keeps it
    expect(page.locator(".cs-status")).to_have_text("Connected (resumed)")
    expect(page.locator(".cs-message .cs-content")).to_have_text(["Hello 3", "Chat context length: 1"])


def test_commands_are_picked_by_slash_button_or_menu_and_cleared_by_the_handler(login):
    page = login("alice", "/chat/e2e-command/")
    expect(page.locator(".cs-command-button")).to_have_text(["Search", "StickyButton"])
    expect(page.locator(".cs-commands-toggle")).to_be_visible()
    page.fill(".cs-input", "/sear")
    expect(page.locator(".cs-command-item")).to_have_count(1)
    page.locator(".cs-command-item").click()
    expect(page.locator('.cs-command-button[data-id="Search"]')).to_have_attribute("aria-pressed", "true")
    say(page, "Hello")
    expect(last_reply(page)).to_have_text("Command: Search")
    user = page.locator(".cs-message.cs-user").first
    expect(user.locator(".cs-command-span")).to_have_text("Search")
    expect(page.locator('.cs-command-button[data-id="Search"]')).to_have_attribute("aria-pressed", "false")
    page.locator(".cs-commands-toggle").click()  # the menu lists them all
    expect(page.locator(".cs-command-item")).to_have_count(5)
    page.locator('.cs-command-item[data-id="Sticky"]').click()
    expect(page.locator(".cs-command-chosen")).to_have_text("Sticky")
    say(page, "one")
    expect(last_reply(page)).to_have_text("Command: Sticky")
    expect(page.locator(".cs-command-chosen")).to_have_text("Sticky")  # persistent: it stays
    page.locator(".cs-command-chosen").click()  # dropped
    page.fill(".cs-input", "/pic")
    page.press(".cs-input", "Enter")  # picks the first match, sends nothing
    expect(page.locator(".cs-command-chosen")).to_have_text("Picture")
    expect(page.locator(".cs-message")).to_have_count(4)
    say(page, "Generate an image")
    expect(last_reply(page)).to_have_text("Command: Picture")
    expect(page.locator(".cs-commands-toggle")).to_have_count(0)  # the handler offers none now
    expect(page.locator(".cs-command-button")).to_have_count(0)


def test_mode_pickers_show_their_defaults_and_send_the_choice(login):
    page = login("alice", "/chat/e2e-modes/")
    model, reasoning = (
        page.locator('.cs-mode select[name="model"]'),
        page.locator('.cs-mode select[name="reasoning"]'),
    )
    expect(model).to_have_value("gemini_3_flash")
    expect(reasoning).to_have_value("medium")
    expect(model.locator("option")).to_have_text(["Gemini 3 Pro", "Gemini 3 Flash"])
    expect(model.locator('option[value="gemini_3_pro"]')).to_have_attribute(
        "title", "Most capable and intelligent"
    )
    model.select_option("gemini_3_pro")
    reasoning.select_option("high")
    say(page, "Hi")
    expect(last_reply(page)).to_contain_text("Model: gemini_3_pro")
    expect(last_reply(page)).to_contain_text("Reasoning: high")
    say(page, "Again")  # the choice stays
    expect(page.locator(".cs-message")).to_have_count(4)
    expect(last_reply(page)).to_contain_text("Model: gemini_3_pro")


def test_user_env_keys_from_the_chainlit_config_are_asked_for(login):
    page = login("alice", "/chat/e2e-user-env/")
    page.click(".cs-toggle-env")
    page.fill(".cs-env input[name=TEST_KEY]", "TEST_VALUE")
    page.click(".cs-env button[type=submit]")
    expect(page.locator(".cs-status")).to_have_text("Connected (resumed)")
    say(page, "Hello")
    expect(page.locator(".cs-message")).to_have_count(2)
    expect(last_reply(page)).to_have_text("Key TEST_KEY has value TEST_VALUE")


def test_a_custom_element_counts_runs_an_action_and_removes_itself(login):
    # Chainlit's custom_element spec, with its Counter drawn by tests/chainlit_e2e/
    # custom_element/public/elements/Counter.js.
    page = login("alice", "/chat/e2e-custom-element/")
    expect(page.locator(".cs-message")).to_have_count(1)
    counter = page.locator(".cs-message").first.locator(".inline-custom")
    expect(counter).to_have_count(1)
    expect(counter).to_contain_text("Count: 1")
    counter.locator("#increment").click()
    expect(counter).to_contain_text("Count: 2")
    counter.locator("#increment").click()
    expect(counter).to_contain_text("Count: 3")
    counter.locator("#action").click()
    expect(page.locator(".cs-message")).to_have_count(2)
    expect(page.locator(".cs-message").nth(1)).to_contain_text("Executed test action!")
    # callAction's promise settled: the element drew itself again, no longer loading.
    expect(counter).not_to_contain_text("Loading...")
    expect(counter).to_contain_text("Count: 3")
    page.reload()
    expect(page.locator(".cs-message").first.locator(".inline-custom")).to_contain_text("Count: 3")
    page.locator("#remove").click()
    expect(page.locator(".cs-message").first.locator(".inline-custom")).to_have_count(0)


def test_a_custom_element_form_answers_the_question(login):
    page = login("alice", "/chat/e2e-ask-custom-element/")
    expect(page.locator(".cs-message")).to_have_count(1)
    expect(page.locator("#ticket-submit")).to_be_disabled()
    page.locator("#summary").fill("Bug fix")
    page.locator("#description").fill("Detailed description")
    expect(page.locator("#ticket-submit")).to_be_enabled()
    page.locator("#ticket-submit").click()
    expect(page.locator(".cs-message")).to_have_count(2)
    expect(page.locator(".cs-message").nth(1)).to_contain_text("Bug fix")
    expect(page.locator(".cs-message").first).to_contain_text("Thanks for submitting")
    expect(page.locator("#jira-ticket")).to_have_count(0)


def test_a_custom_element_sends_a_message_with_a_command(login):
    page = login("alice", "/chat/e2e-custom-element-command/")
    expect(page.locator(".cs-message").first.locator(".inline-custom")).to_have_count(1)
    page.locator("#send").click()
    expect(page.locator(".cs-message")).to_have_count(3)
    expect(page.locator(".cs-message").nth(1)).to_contain_text("Hello from custom element")
    expect(page.locator(".cs-message").nth(2)).to_contain_text("Received command: my_command")
