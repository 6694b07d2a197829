"""Chainlit's own end-to-end apps (tests/chainlit_e2e/<app>/), each run with only its
import changed, asserting what its spec.cy.ts asserts as far as the protocol shows it:
a `.step` of the spec is a message or a step of the chat, in order."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from channels.db import database_sync_to_async

from chatsessions.handler_api.session import NoActiveChatError
from chatsessions.models import ChatMessage
from chatsessions.testing import ChatClient, HandlerError, NoReply
from tests.conftest import eventually

pytestmark = pytest.mark.django_db(transaction=True)

APPS = "tests.chainlit_e2e"


def contents(chat: ChatClient) -> list[str]:
    return [reply.content for reply in chat.history]


async def test_context_finds_the_emitter_from_async_make_async_and_run_sync(chat_user):
    async with ChatClient(f"{APPS}.context.main", user=chat_user, timeout=15) as chat:
        assert contents(chat) == [
            "emitter from async found!",
            "emitter from make_async found!",
            "emitter from async_from_sync found!",
        ]
        assert not any(reply.is_error for reply in chat.history)


async def test_context_outside_a_handler_says_so():
    from chatsessions.context import context

    assert context.current_step is None
    with pytest.raises(NoActiveChatError):
        _ = context.emitter


@pytest.mark.parametrize("app", ["main_async", "main_sync"])
async def test_stop_task_stops_the_handler_and_says_so(chat_user, app):
    async with ChatClient(f"{APPS}.stop_task.{app}", user=chat_user) as chat:
        await chat.send_later("Hello")
        stopped = await chat.stop()
        assert stopped is not None and stopped.content == "Task manually stopped."
        assert contents(chat) == ["Hello", "Message 1", "Task manually stopped."]
        with pytest.raises(NoReply):  # "Message 2" never comes
            await chat.receive(timeout=1.5)


async def test_streaming_tokens_sequences_and_a_tool_step(chat_user):
    async with ChatClient(f"{APPS}.streaming.main", user=chat_user, timeout=15) as chat:
        assert contents(chat) == ["the quick brown fox", "the quick brown fox"]
        (tool,) = chat.steps
        assert (tool["name"], tool["step_type"], tool["output"]) == ("tool1", "tool", "the quick brown fox")
        streamed = [frame for frame in chat.frames if frame["type"] == "stream"]
        assert any(frame.get("replace") for frame in streamed)  # the sequence replaced its text
        # Each stream, its tokens joined as the page joins them, reads the same.
        assert [frame["token"] for frame in streamed] == ["the quick brown fox"] * 3


async def test_action_buttons_run_their_callbacks_and_go_away(chat_user):
    async with ChatClient(f"{APPS}.action.main", user=chat_user) as chat:
        assert contents(chat) == ["Hello, this is a test message!", "Please, pick an action!"]
        assert (await chat.click("First action")).content == "Thanks for pressing: first-action"

        def buttons() -> list[str]:
            return [action["id"] for action in chat.history[0].actions]

        assert (await chat.click("test action")).content == "Executed test action!"
        assert "test-action" in buttons()
        assert (await chat.click("removable action")).content == "Executed removable action!"
        assert "removable-action" not in buttons()
        removed = await chat.click("multiple action one")
        assert removed is not None and removed.content == "Action(id=multiple-action-one) has been removed!"
        assert "multiple-action-one" not in buttons() and "multiple-action-two" in buttons()
        removed = await chat.click("multiple action two")
        assert removed is not None and removed.content == "Action(id=multiple-action-two) has been removed!"
        assert (await chat.click("all actions removed")).content == "All actions have been removed!"
        assert buttons() == []


async def test_an_error_message_is_one_when_sent_and_when_replayed(chat_user):
    async with ChatClient("probe", user=chat_user) as chat:
        reply = await chat.send("error something broke")
        assert reply is not None and (reply.content, reply.is_error) == ("something broke", True)
        assert (await chat.send("echo fine")).is_error is False
        session = await chat.reconnect()
        replayed = {frame["content"]: frame.get("is_error", False) for frame in session["history"]}
        assert replayed["something broke"] is True and replayed["echo echo fine"] is False


async def test_on_chat_start_says_hello(chat_user):
    async with ChatClient(f"{APPS}.on_chat_start.main", user=chat_user) as chat:
        (hello,) = chat.history
        assert hello.content.startswith("Hello!") and "```python" in hello.content


async def test_user_session_is_per_chat(chat_user):
    async with ChatClient(f"{APPS}.user_session.main", user=chat_user) as chat:
        assert (await chat.send("Hello 1")).content == "Prev message: None"
        assert (await chat.send("Hello 2")).content == "Prev message: Hello 1"
        assert await chat.end() == 1000  # the New chat button
    async with ChatClient(f"{APPS}.user_session.main", user=chat_user) as chat:
        assert (await chat.send("Hello 3")).content == "Prev message: None"
        assert (await chat.send("Hello 4")).content == "Prev message: Hello 3"
        assert contents(chat) == ["Hello 3", "Prev message: None", "Hello 4", "Prev message: Hello 3"]


async def test_error_handling_shows_the_handlers_error(chat_user):
    with pytest.raises(HandlerError, match="This is an error message"):
        async with ChatClient(f"{APPS}.error_handling.main", user=chat_user):
            pass


async def test_update_step_updates_the_message_and_the_step(chat_user):
    async with ChatClient(f"{APPS}.update_step.main", user=chat_user) as chat:
        assert contents(chat) == ["Hello again!"]
        (tool,) = chat.steps
        assert (tool["name"], tool["output"]) == ("tool1", "Foo Bar")


async def test_remove_step_removes_steps_messages_and_a_question(chat_user):
    async with ChatClient(f"{APPS}.remove_step.main", user=chat_user, timeout=15) as chat:
        # Message 1, the tool, Message 2 came and went while on_chat_start ran.
        assert contents(chat) == ["Message 3"] and chat.steps == []
        assert chat.asked is not None and chat.asked["kind"] == "text"
        await chat.send("foo")  # answers the question, which is then removed
        await chat.wait()
        assert contents(chat) == ["foo"]


@pytest.mark.parametrize("form", ["main_async", "main_sync"])
async def test_step_nests_steps(chat_user, form):
    # main_sync's handler is async but calls sync steps, which wait with cl.run_sync on the loop.
    async with ChatClient(f"{APPS}.step.{form}", user=chat_user, timeout=15) as chat:
        reply = await chat.send("Hello")
        assert reply is not None and reply.content == "Message from tool 2"
        tool1, tool2, tool3 = sorted(chat.steps, key=lambda step: step["name"])
        assert (tool1["name"], tool1["parent_id"], tool1["output"]) == ("tool1", None, "Response from tool 1")
        assert (tool2["parent_id"], tool2["output"]) == (tool1["id"], "Response from tool 2")
        assert (tool3["parent_id"], tool3["output"]) == (tool2["id"], "Response from tool 3")
        assert all(step["step_type"] == "tool" for step in chat.steps)


async def test_ask_user_takes_the_next_message_as_the_answer(chat_user):
    async with ChatClient(f"{APPS}.ask_user.main", user=chat_user) as chat:
        assert contents(chat) == ["What is your name?"] and chat.asked is not None
        reply = await chat.send("Jeeves")
        assert reply is not None and reply.content == "Your name is: Jeeves"
        assert contents(chat) == ["What is your name?", "Jeeves", "Your name is: Jeeves"]


async def test_starters_in_categories_are_offered_and_one_runs(chat_user):
    async with ChatClient(f"{APPS}.starters_categories.main", user=chat_user) as chat:
        categories = chat.starter_categories
        assert [category["label"] for category in categories] == ["Creative", "Educational"]
        assert [starter["label"] for starter in categories[0]["starters"]] == ["poem", "story"]
        assert chat.starters == []
        poem = categories[0]["starters"][0]
        assert (await chat.send(poem["message"])).content == "Write a poem"
        assert contents(chat) == ["Write a poem", "Write a poem"]


async def test_starters_are_offered_and_one_runs(chat_user):
    async with ChatClient(f"{APPS}.starters.main", user=chat_user) as chat:
        assert [starter["label"] for starter in chat.starters] == ["test1", "test2", "test3"]
        (first,) = [starter for starter in chat.starters if starter["label"] == "test1"]
        reply = await chat.send(first["message"])  # the page sends a starter's message
        assert reply is not None and reply.content == "Running starter 1"
        assert contents(chat) == ["Running starter 1", "Running starter 1"]


async def test_blinking_cursor_a_tool_step_then_a_slow_reply(chat_user):
    async with ChatClient(f"{APPS}.blinking_cursor.main", user=chat_user, timeout=15) as chat:
        assert contents(chat) == ["Hello, this is a test message!"]
        assert await chat.send("tool") is None
        (tool,) = chat.steps
        assert (tool["step_type"], tool["output"]) == ("tool", "Response from the tool!")
        reply = await chat.send("Jeeves")
        assert reply is not None and reply.content == "Received message: Jeeves"


async def test_pyplot_sends_an_inline_chart(chat_user):
    async with ChatClient(f"{APPS}.pyplot.main", user=chat_user, timeout=15) as chat:
        (message,) = chat.history
        assert message.content == "This message has a chart"
        (chart,) = message.elements
        assert (chart["name"], chart["type"], chart["display"]) == ("chart", "image", "inline")


async def test_plotly_sends_an_inline_chart(chat_user):
    async with ChatClient(f"{APPS}.plotly.main", user=chat_user, timeout=15) as chat:
        (message,) = chat.history
        (chart,) = message.elements
        assert (chart["name"], chart["type"], chart["display"]) == ("chart", "plotly", "inline")


async def test_file_element_sends_four_files_to_download(chat_user):
    async with ChatClient(f"{APPS}.file_element.main", user=chat_user, timeout=15) as chat:
        (message,) = chat.history
        assert sorted(element["name"] for element in message.elements) == sorted(
            ["example.mp4", "cat.jpeg", "hello.py", "example.mp3"]
        )


def stored_bytes(element: dict) -> bytes:
    from chatsessions.models import ChatFile
    from chatsessions.storage import files

    with files.storage().open(ChatFile.objects.get(pk=element["id"]).storage_name, "rb") as opened:
        return opened.read()


async def test_a_dataframe_is_sent_as_a_table(chat_user):
    async with ChatClient(f"{APPS}.dataframe.main", user=chat_user, timeout=15) as chat:
        (message,) = chat.history
        assert message.content == "This message has a Dataframe"
        (element,) = message.elements
        assert (element["type"], element["name"]) == ("dataframe", "Dataframe")
        assert element["mime"] == "application/json"
        table = json.loads(await database_sync_to_async(stored_bytes)(element))
        assert table["columns"] == ["Name", "Age", "City", "Salary"]
        assert len(table["data"]) == 15 and table["data"][0] == ["Alice", 25, "New York", 70000]


async def test_an_audio_element_is_sent_to_play(chat_user):
    async with ChatClient(f"{APPS}.audio_element.main", user=chat_user, timeout=15) as chat:
        (message,) = chat.history
        assert message.content == "This message has an audio"
        (element,) = message.elements
        assert (element["type"], element["name"], element["mime"]) == ("audio", "example.mp3", "audio/mpeg")
        assert element["auto_play"] is False


async def test_upload_attachments_reach_the_handler_as_elements(chat_user):
    fixtures = Path(__file__).parent / "fixtures"
    names = ["state_of_the_union.txt", "hello.cpp", "hello.py"]
    async with ChatClient(f"{APPS}.upload_attachments.main", user=chat_user) as chat:
        await chat.send("Message with attachments", files=[fixtures / name for name in names])
        (sent,) = [reply for reply in chat.history if reply.role == "user"]
        assert [element["name"] for element in sent.elements] == names
        assert contents(chat)[1:] == [
            "Content: Message with attachments",
            "Received element 0: state_of_the_union.txt",
            "Received element 1: hello.cpp",
            "Received element 2: hello.py",
        ]


async def test_elements_inline_side_and_page(chat_user):
    async with ChatClient(f"{APPS}.elements.main", user=chat_user, timeout=15) as chat:
        assert [step["name"] for step in chat.steps] == ["gen_img"]
        first, second, third = chat.history
        assert first.content == "Here is image1, a nice image of a cat!"
        shown = [(e["name"], e["type"], e["display"]) for e in first.elements]
        assert shown == [("image1", "image", "inline")]
        for message in (second, third):
            assert [(e["name"], e["type"], e["display"]) for e in message.elements] == [
                ("image1", "image", "inline"),
                ("pdf1", "pdf", "inline"),
                ("text1", "text", "side"),
                ("text2", "text", "page"),
            ]


async def test_a_pdf_inline_and_one_for_the_side_view(chat_user):
    async with ChatClient(f"{APPS}.pdf_viewer.main", user=chat_user, timeout=15) as chat:
        assert contents(chat) == ["Inline PDF below.", "Side PDF - panel should open automatically."]
        shown = [(e["name"], e["mime"], e["display"]) for reply in chat.history for e in reply.elements]
        assert shown == [("inline_pdf", "application/pdf", "inline"), ("side_pdf", "application/pdf", "side")]


async def test_the_element_sidebar_is_titled_filled_changed_and_emptied(chat_user):
    async with ChatClient(f"{APPS}.sidebar.main", user=chat_user, timeout=15) as chat:

        def sidebar_frames() -> list[dict]:
            return [frame for frame in chat.frames if frame["type"] == "sidebar"]

        filled, titled = sidebar_frames()
        assert [(e["name"], e["type"]) for e in filled["elements"]] == [
            ("image1", "image"),
            ("pdf1", "pdf"),
            ("text1", "text"),
            ("text2", "text"),
        ]
        assert filled["key"] is None and titled == {"type": "sidebar", "title": "Test title"}
        await chat.send_later("Update sidebar")
        await chat.wait()  # chat.frames: this turn's
        changed, retitled, emptied = sidebar_frames()
        assert [e["type"] for e in changed["elements"]] == ["text"]
        assert retitled["title"] == "Title changed!" and emptied["elements"] == []


async def test_chat_settings_sent_at_the_start_are_the_chats_and_a_change_runs_the_update(chat_user):
    from chatsessions.testing import ChatError

    async with ChatClient(f"{APPS}.chat_settings.main", user=chat_user, timeout=15) as chat:
        (sent,) = [frame for frame in chat.frames if frame["type"] == "chat_settings"]
        widgets = {widget["id"]: widget for widget in sent["settings"]}
        assert list(widgets) == [
            *("Model", "Streaming", "Temperature"),
            *("SAI_Steps", "SAI_Cfg_Scale", "SAI_Width", "SAI_Height"),
        ]
        assert widgets["Model"]["initial"] == "gpt-3.5-turbo"  # initial_index=0
        assert widgets["SAI_Width"]["tooltip"] == "Measured in pixels"
        assert sent["values"]["Temperature"] == 1 and sent["values"]["Streaming"] is True
        assert sent["values"]["SAI_Steps"] == 30
        settings = await chat.settings(Model="gpt-4", Temperature=0.4, SAI_Steps=36, SAI_Cfg_Scale=7.6)
        assert contents(chat) == ["Settings updated!"]
        assert settings["Model"] == "gpt-4" and settings["SAI_Width"] == 512
        with pytest.raises(ChatError, match="must be one of"):
            await chat.settings(Model="gpt-5")  # not one it offers
        with pytest.raises(ChatError, match="is not a declared setting"):
            await chat.settings(tone="sharp")


async def test_steps_carry_their_icons(chat_user):
    async with ChatClient(f"{APPS}.step_icon.main", user=chat_user, timeout=15) as chat:
        await chat.send("Hello")
        shown = [(step["name"], step["icon"], step["output"]) for step in chat.steps]
        assert shown == [
            ("search", "search", "Response from search"),
            ("database", "database", "Response from database"),
            ("regular", None, "Response from regular"),
            ("cpu", "cpu", "Response from cpu"),
        ]


async def test_the_task_list_shows_its_tasks_states_and_goes_away(chat_user):
    async with ChatClient(f"{APPS}.tasklist.main", user=chat_user, timeout=30) as chat:
        lists = [frame for frame in chat.frames if frame["type"] == "tasklist"]
        assert len({frame["id"] for frame in lists}) == 1
        last = lists[-1]
        assert last["status"] == "Running..." and len(last["tasks"]) == 17
        states = [task["status"] for task in last["tasks"]]
        assert (states.count("done"), states.count("failed"), states.count("ready")) == (9, 1, 7)
        assert states.count("running") == 0 and last["tasks"][9]["title"] == "Scheduling future tasks"
        await chat.send("ok")
        assert [frame for frame in chat.frames if frame["type"] == "remove_element"] == [
            {"type": "remove_element", "id": last["id"], "for": None}
        ]


async def test_removed_elements_leave_their_message_and_step_and_stay_gone_on_resume(chat_user):
    async with ChatClient(f"{APPS}.remove_elements.main", user=chat_user, timeout=15) as chat:
        (step,) = chat.steps
        assert (step["name"], step["output"]) == ("tool1", "This step has an image")
        assert [element["name"] for element in step["elements"]] == ["image2"]
        (message,) = chat.history
        assert [element["name"] for element in message.elements] == ["image2"]
        session = await chat.reconnect()
        replayed = {frame["type"]: frame for frame in session["history"]}
        assert [element["name"] for element in replayed["step"]["elements"]] == ["image2"]
        assert [element["name"] for element in replayed["message"]["elements"]] == ["image2"]
        assert all(element["url"] for element in replayed["step"]["elements"])


async def test_ask_file_takes_a_text_file_refuses_a_cpp_one_then_takes_a_python_one(chat_user):
    from chatsessions.testing import ChatError

    fixtures = Path(__file__).parent / "fixtures"
    async with ChatClient(f"{APPS}.ask_file.main", user=chat_user, timeout=15) as chat:
        assert contents(chat) == ["Please upload a text file to begin!"]
        text = (fixtures / "state_of_the_union.txt").read_text()
        reply = await chat.send(files=[fixtures / "state_of_the_union.txt"])
        assert reply is not None and reply.content == "Please upload a python file to begin!"
        said = f"`Text file state_of_the_union.txt` uploaded, it contains {len(text)} characters!"
        assert contents(chat)[1] == said
        with pytest.raises(ChatError, match="the question asks for"):
            await chat.send(files=[fixtures / "hello.cpp"])
        reply = await chat.send(files=[fixtures / "hello.py"])
        python = (fixtures / "hello.py").read_text()
        assert reply.content == f"`Python file hello.py` uploaded, it contains {len(python)} characters!"
        # As the spec counts them: two questions, two answers, no message of the user's.
        assert [reply.role for reply in chat.history] == ["assistant"] * 4
        assert [element["name"] for element in chat.history[0].elements] == ["state_of_the_union.txt"]
        assert [element["name"] for element in chat.history[2].elements] == ["hello.py"]
        session = await chat.reconnect()  # the files stay with their questions
        shown = [[e["name"] for e in frame.get("elements", [])] for frame in session["history"]]
        assert shown == [["state_of_the_union.txt"], [], ["hello.py"], []]


async def test_ask_multiple_files_takes_two(chat_user):
    fixtures = Path(__file__).parent / "fixtures"
    async with ChatClient(f"{APPS}.ask_multiple_files.main", user=chat_user, timeout=15) as chat:
        reply = await chat.send(files=[fixtures / "state_of_the_union.txt", fixtures / "hello.py"])
        assert reply.content == "2 files uploaded: state_of_the_union.txt,hello.py"
        assert contents(chat) == [
            "Please upload from one to two python files to begin!",
            "2 files uploaded: state_of_the_union.txt,hello.py",
        ]


async def test_the_chat_context_holds_the_conversation_so_far(chat_user):
    async with ChatClient(f"{APPS}.chat_context.main", user=chat_user) as chat:
        assert (await chat.send("Hello 1")).content == "Chat context length: 1"
        assert (await chat.send("Hello 2")).content == "Chat context length: 3"


async def test_an_edited_message_drops_what_came_after_and_runs_again(chat_user):
    from chatsessions.testing import ChatError
    from chatsessions.wire.frames import ErrorCode

    async with ChatClient(f"{APPS}.edit_message.main", user=chat_user) as chat:
        await chat.send("Hello 1", id="first")
        assert (await chat.send("Hello 2", id="second")).content == "Chat context length: 3"
        assert len(chat.history) == 4
        reply = await chat.edit("first", "Hello 3")
        assert reply is not None and reply.content == "Chat context length: 1"
        assert contents(chat) == ["Hello 3", "Chat context length: 1"]
        session = await chat.reconnect()  # as written
        assert [frame["content"] for frame in session["history"]] == ["Hello 3", "Chat context length: 1"]
        # What a careless or hostile client gets:
        assistant = chat.history[1].id
        for message_id in (assistant, "second", "no-such-message"):
            with pytest.raises(ChatError) as refused:
                await chat.edit(message_id, "mine now")
            assert refused.value.code == ErrorCode.UNKNOWN_MESSAGE


async def test_an_edit_while_a_handler_runs_is_refused(chat_user):
    from chatsessions.testing import ChatError
    from chatsessions.wire.frames import ErrorCode

    async with ChatClient("tests.chat_apps.probe", user=chat_user) as chat:
        await chat.send("count", id="first")
        await chat.send_later("sleep 1")
        await chat.expect("task")  # it runs
        with pytest.raises(ChatError) as refused:
            await chat.edit("first", "too soon")
        assert refused.value.code == ErrorCode.EDIT_REFUSED
        await chat.wait()
        # It runs again; user_session is not rewound (the probe counts every message).
        assert (await chat.edit("first", "count")).content == "3"
        assert contents(chat) == ["count", "3"]


async def test_an_edit_of_another_users_message_is_refused(chat_user, django_user_model):
    from chatsessions.testing import ChatError
    from chatsessions.wire.frames import ErrorCode

    other = await database_sync_to_async(django_user_model.objects.create_user)("mallory", password="x")
    async with ChatClient(f"{APPS}.edit_message.main", user=chat_user) as alice:
        await alice.send("Hello 1", id="alices")
        async with ChatClient(f"{APPS}.edit_message.main", user=other) as mallory:
            with pytest.raises(ChatError) as refused:
                await mallory.edit("alices", "mine now")
            assert refused.value.code == ErrorCode.UNKNOWN_MESSAGE
        assert contents(alice) == ["Hello 1", "Chat context length: 1"]


async def test_commands_are_offered_sent_with_a_message_and_cleared_by_the_handler(chat_user):
    from chatsessions.testing import ChatError
    from chatsessions.wire.frames import ErrorCode

    async with ChatClient(f"{APPS}.command.main", user=chat_user) as chat:
        ((offered,),) = [[f for f in chat.frames if f["type"] == "commands"]]
        by_id = {command["id"]: command for command in offered["commands"]}
        assert list(by_id) == ["Picture", "Search", "Canvas", "Sticky", "StickyButton"]
        assert [c for c in by_id if by_id[c]["button"]] == ["Search", "StickyButton"]
        assert by_id["Sticky"]["persistent"] and by_id["Search"]["icon"] == "globe"
        assert (await chat.send("Hello", command="Search")).content == "Command: Search"
        assert (await chat.send("Hello")).content == "Command: None"
        with pytest.raises(ChatError) as refused:  # a command the chat does not offer
            await chat.send("Hello", command="Launch")
        assert refused.value.code == ErrorCode.INVALID_FIELD
        assert (await chat.send("Hello", command="Picture")).content == "Command: Picture"
        assert [f for f in chat.frames if f["type"] == "commands"] == [{"type": "commands", "commands": []}]
        with pytest.raises(ChatError):  # offered no more
            await chat.send("Hello", command="Search")
        session = await chat.reconnect()
        assert session["commands"] == []
        sent = [frame for frame in session["history"] if frame["role"] == "user"]
        assert [frame.get("command") for frame in sent] == ["Search", None, "Picture"]


async def test_modes_are_offered_and_each_message_says_the_options_picked(chat_user):
    from chatsessions.testing import ChatError
    from chatsessions.wire.frames import ErrorCode

    async with ChatClient(f"{APPS}.modes.main", user=chat_user) as chat:
        ((offered,),) = [[f for f in chat.frames if f["type"] == "modes"]]
        assert [mode["id"] for mode in offered["modes"]] == ["model", "reasoning"]
        assert [o["name"] for o in offered["modes"][0]["options"]] == ["Gemini 3 Pro", "Gemini 3 Flash"]
        reply = await chat.send("Hi")  # the defaults
        assert reply.content == "Model: gemini_3_flash\nReasoning: medium\n\nYour message: Hi"
        reply = await chat.send("Hi", modes={"model": "gemini_3_pro", "reasoning": "high"})
        assert reply.content == "Model: gemini_3_pro\nReasoning: high\n\nYour message: Hi"
        reply = await chat.send("Hi", modes={"reasoning": "low"})  # the others keep their default
        assert reply.content.startswith("Model: gemini_3_flash\nReasoning: low")
        for chosen in ({"model": "gpt-9"}, {"temperature": "hot"}):
            with pytest.raises(ChatError) as refused:
                await chat.send("Hi", modes=chosen)
            assert refused.value.code == ErrorCode.INVALID_FIELD
        assert [mode["id"] for mode in (await chat.reconnect())["modes"]] == ["model", "reasoning"]


async def test_user_env_is_asked_as_the_apps_chainlit_config_says(chat_user):
    app = f"{APPS}.user_env.main"
    async with ChatClient(app, user=chat_user, env={"TEST_KEY": "TEST_VALUE"}) as chat:
        assert chat.session["user_env"] == ["TEST_KEY"]  # from its .chainlit/config.toml
        assert (await chat.send("Hello")).content == "Key TEST_KEY has value TEST_VALUE"


def test_a_chainlit_config_that_cannot_be_read_says_where(tmp_path, monkeypatch):
    from chatsessions.handler_api.registry import load_app

    (tmp_path / "broken_env_app.py").write_text("import chatsessions as cl\n")
    (tmp_path / ".chainlit").mkdir()
    (tmp_path / ".chainlit" / "config.toml").write_text("[project]\nuser_env = 'TEST_KEY'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ImportError, match=r"config.toml: \[project\] user_env must be a list of names"):
        load_app("broken_env_app")
    (tmp_path / ".chainlit" / "config.toml").write_text("[project\n")
    (tmp_path / "broken_toml_app.py").write_text("import chatsessions as cl\n")
    with pytest.raises(ImportError, match=r"config\.toml cannot be read"):
        load_app("broken_toml_app")


async def test_a_custom_element_counts_calls_an_action_and_removes_itself(chat_user):
    async with ChatClient(f"{APPS}.custom_element.main", user=chat_user, timeout=15) as chat:
        (message,) = chat.history
        assert message.content == "This message has a custom element!"
        counter = chat.custom_element("Counter")
        assert (counter["props"], counter["display"], counter["for_id"]) == (
            {"count": 1},
            "inline",
            message.id,
        )
        assert counter["url"].endswith("/elements/Counter.js")
        for count in (2, 3):
            assert (await chat.update_element("Counter", {"count": count}))["props"] == {"count": count}
        reply = await chat.call_action("Counter", "test")
        assert reply is not None and reply.content == "Executed test action!"
        (result,) = [frame for frame in chat.frames if frame["type"] == "action_result"]
        assert (result["ok"], result["response"]) == (True, None)
        # Its props are kept with its message: a resumed chat shows the count reached.
        session = await chat.reconnect()
        (replayed, _) = [frame for frame in session["history"] if frame["type"] == "message"]
        assert replayed["elements"][0]["props"] == {"count": 3}
        await chat.delete_element("Counter")
        assert chat.history[0].elements == []
        session = await chat.reconnect()
        assert not session["history"][0].get("elements")


async def test_a_custom_element_answers_the_question_it_was_asked_with(chat_user):
    async with ChatClient(f"{APPS}.ask_custom_element.main", user=chat_user, timeout=15) as chat:
        assert chat.asked is not None and chat.asked["kind"] == "element"
        ticket = chat.custom_element("JiraTicket")
        assert chat.asked["element"] == ticket["id"] and ticket["props"]["timeout"] == 20
        values = {
            "summary": "Bug fix",
            "description": "Detailed description",
            "due": "",
            "priority": "Medium",
        }
        reply = await chat.submit_element("JiraTicket", values)
        assert reply is not None and reply.content == "Ticket 'Bug fix' with priority Medium submitted"
        # As in Chainlit: the element goes, and the question says it was answered.
        assert contents(chat) == ["Thanks for submitting", "Ticket 'Bug fix' with priority Medium submitted"]
        assert chat.history[0].elements == []
    async with ChatClient(f"{APPS}.ask_custom_element.main", user=chat_user, timeout=15) as chat:
        assert await chat.submit_element("JiraTicket", None) is None  # cancelled: no ticket
        assert contents(chat) == ["Cancelled"]


async def test_a_custom_element_sends_a_message_with_a_command(chat_user):
    from chatsessions.testing import ChatError

    async with ChatClient(f"{APPS}.custom_element_command.main", user=chat_user, timeout=15) as chat:
        reply = await chat.send_from_element("Commander", "Hello from custom element", "my_command")
        assert reply is not None and reply.content == "Received command: my_command"
        assert contents(chat) == [
            "This message has a custom element!",
            "Hello from custom element",
            "Received command: my_command",
        ]
        # The composer offers no command: only the element may send one.
        with pytest.raises(ChatError, match="no command the chat offers"):
            await chat.send("Hello", command="my_command")


@pytest.fixture
def data_layer_app() -> Any:
    """Chainlit's data_layer app; it pickles its threads beside itself (its .gitignore
    says so), which is removed after."""
    from tests.chainlit_e2e.data_layer import main

    yield main
    Path(main.THREAD_HISTORY_PICKLE_PATH).unlink(missing_ok=True)


async def test_data_layer_is_told_the_thread_and_its_steps(make_user, data_layer_app, sockets):
    user1, user2 = await make_user("user1"), await make_user("user2")
    async with ChatClient("e2e-data-layer", user=user1, timeout=15) as chat:
        # Its create_step waits for the first user message (queue_until_user_message).
        assert contents(chat) == ["Hello, send me a message!", "Create step counter: 0"]
        await chat.send("Hello")
        thread_id = chat.session["id"]
        # The two held steps and the user's message, told while on_message slept (Chainlit
        # counts two more: the hidden "run" steps its handlers run in, which are not here).
        # The data layer is told behind the chat, not awaited by it: the last count may lag.
        first, ok, last = contents(chat)[-3:]
        assert (first, ok) == ("Create step counter: 3", "Ok!")
        assert 3 <= int(last.rsplit(" ", 1)[1]) <= 6
        assert [(step["name"], step["output"]) for step in chat.steps] == [("thinking", "Thinking...")]
    thread = await data_layer_app.TestDataLayer().get_thread(thread_id)
    assert (thread["name"], thread["userIdentifier"]) == ("Hello", "user1")
    assert [step["output"] for step in thread["steps"]][:3] == [
        "Hello, send me a message!",
        "Create step counter: 0",
        "Hello",
    ]
    assert thread["metadata"]["create_step_counter"] >= 3  # what persist_user_session saw
    assert Path(data_layer_app.THREAD_HISTORY_PICKLE_PATH).exists()
    # Access control: user2 cannot take user1's thread over.
    intruder = await sockets(user2, "/ws/chat/e2e-data-layer/")
    await intruder.send_frame({"type": "start", "resume": thread_id})
    assert await intruder.closed() == 4403


async def test_thread_resume_reopens_its_own_thread_and_goes_on(make_user):
    from tests.chainlit_e2e.thread_resume import main

    alice = await make_user("alice-resume")
    async with ChatClient("e2e-thread-resume", user=alice) as chat:
        assert contents(chat) == ["Welcome, say hi to start!"]
        assert (await chat.send("hi")).content == "Echo: hi"
        thread_id = chat.session["id"]
    assert [thread["id"] for thread in main.THREADS["alice-resume"]] == [thread_id]
    async with ChatClient("e2e-thread-resume", user=alice, resume=thread_id) as again:
        assert again.session["resumed"]
        assert contents(again)[-1] == "Resumed: hi"
        assert (await again.send("still here")).content == "Echo: still here"


async def test_llama_index_cb_shows_the_retrieval_and_the_llm_call_as_steps(chat_user):
    # The spec: three .step (the message and two steps); #step-retrieve opens, and its
    # step has an element link "Source 0".
    async with ChatClient(f"{APPS}.llama_index_cb.main", user=chat_user, timeout=15) as chat:
        assert contents(chat) == ["LlamaIndexCb"]
        retrieve, llm = chat.steps
        if llm["end"] is None:  # its end is sent from the loop just after the handler returned
            llm = await chat.expect("step")
        assert (retrieve["name"], retrieve["step_type"]) == ("retrieve", "tool")
        assert retrieve["output"] == "Retrieved the following sources: Source 0"
        assert [(e["name"], e["display"]) for e in retrieve["elements"]] == [("Source 0", "side")]
        assert (llm["name"], llm["step_type"], llm["output"]) == ("llm", "llm", "This is the LLM response")
        assert not retrieve["is_error"] and not llm["is_error"]

    async def kept() -> None:  # the LLM call's generation, in the transcript
        row = await ChatMessage.objects.filter(message_id=llm["id"]).afirst()
        generation = ((row.meta if row else None) or {}).get("generation") or {}
        assert (generation.get("type"), generation.get("prompt")) == ("COMPLETION", "This is the LLM prompt")
        assert generation["completion"] == "This is the LLM response"

    await eventually(kept)
