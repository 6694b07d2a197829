"""Interactive chats with the testing kit, in process: questions, actions, steps,
feedback and starters, their timeouts and the ways they go wrong."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from chatsessions import signals
from chatsessions.models import ChatFeedback, ChatMessage
from chatsessions.testing import ChatClient, ChatError
from chatsessions.wire.frames import ErrorCode

APP = "tests.chat_apps.interactive"


async def test_a_question_waits_for_the_next_message(chat_user):
    async with ChatClient(APP, user=chat_user) as chat:
        assert (await chat.send("ask 5")).content == "Your answer?"
        assert chat.asked == {"type": "ask", "for": chat.history[-1].id, "kind": "text", "timeout": 5.0}
        assert (await chat.send("forty-two")).content == "answered: forty-two"
        assert chat.asked is None
        # The answer is a user message of the transcript, and ran no on_message.
        assert (await chat.send("next")).content == "echo: next"
        contents = [reply.content for reply in chat.history]
        assert contents == ["ask 5", "Your answer?", "forty-two", "answered: forty-two", "next", "echo: next"]


async def test_a_question_times_out(chat_user):
    async with ChatClient(APP, user=chat_user) as chat:
        await chat.send("ask 0.2")
        assert (await chat.wait()).reply.content == "answered: None"


async def test_messages_sent_while_asked_wait_their_turn(chat_user):
    async with ChatClient(APP, user=chat_user) as chat:
        await chat.send("ask 5")
        await chat.send_later("queued")  # the answer
        await chat.send_later("after")  # waits behind the asking handler, then runs
        turn = await chat.wait()
        assert [m.content for m in turn.messages.values() if m.role == "assistant"] == [
            "answered: queued",
            "echo: after",
        ]


async def test_stop_ends_the_wait(chat_user):
    async with ChatClient(APP, user=chat_user) as chat:
        await chat.send("ask 30")
        await chat.stop()
        assert chat.asked is None
        assert any(frame["type"] == "ask_end" for frame in chat.frames)
        assert (await chat.send("again")).content == "echo: again"


async def test_ending_a_chat_stops_a_question(chat_user):
    async with ChatClient(APP, user=chat_user) as chat:
        await chat.send("ask 600")
        assert await chat.end() == 1000  # at once, not when the question times out
        assert "answered" not in [reply.content[:8] for reply in chat.history]


async def test_a_resume_while_asked_asks_again(chat_user):
    async with ChatClient(APP, user=chat_user) as chat:
        await chat.send("ask 30")
        question = chat.asked
        session = await chat.reconnect()
        assert session["history"][-1]["content"] == "Your answer?"
        assert chat.asked["for"] == question["for"] and 0 < chat.asked["timeout"] <= 30
        assert (await chat.send("after the resume")).content == "answered: after the resume"


async def test_an_action_question_takes_a_click(chat_user):
    async with ChatClient(APP, user=chat_user) as chat:
        question = await chat.send("choose 5")
        assert [action["label"] for action in question.actions] == ["One", "Two"]
        assert "payload" not in question.actions[0]  # the payload stays on the server
        assert (await chat.click("Two")).content == "chose: 2"
        # The buttons are gone, and the question says what was picked.
        assert chat.history[1].actions == []
        assert "update" in [frame["type"] for frame in chat.frames]
        await chat.send("choose 0.2")
        assert (await chat.wait()).reply.content == "chose: None"


async def test_an_action_runs_its_callback_in_the_chat(chat_user):
    async with ChatClient(APP, user=chat_user) as chat:
        await chat.send("buttons")
        assert (await chat.click("Greet")).content == "hello world (1)"
        assert (await chat.click("Greet")).content == "hello world (2)"
        assert chat.user_session["greetings"] == 2
        with pytest.raises(ChatError) as refused:
            await chat.click("Orphan")
        assert refused.value.code == ErrorCode.UNKNOWN_ACTION


async def test_a_forged_click_is_refused(chat_user):
    async with ChatClient(APP, user=chat_user) as chat:
        reply = await chat.send("buttons")
        for forged in [
            {"type": "action", "id": "not-an-action"},
            {"type": "action", "id": reply.actions[0]["id"] + "x"},
            {"type": "action", "name": "greet", "payload": {"who": "mallory"}},
            {"type": "action", "id": 5},
        ]:
            await chat.send_frame(forged)
            error = await chat.expect("error")
            assert error["code"] in {ErrorCode.UNKNOWN_ACTION, ErrorCode.INVALID_FIELD}, error
        # A real id with a forged payload: the server's own payload is used.
        await chat.send_frame({"type": "action", "id": reply.actions[0]["id"], "payload": {"who": "mallory"}})
        assert (await chat.expect("message"))["content"] == "hello world (1)"


async def test_a_reopened_chat_keeps_its_buttons(chat_user):
    async with ChatClient(APP, user=chat_user) as chat:
        await chat.send("buttons")
        assert await chat.end() == 1000
        session_id = chat.session_id
    async with ChatClient(APP, user=chat_user, resume=session_id) as chat:
        assert [action["label"] for action in chat.history[-1].actions] == ["Greet", "Orphan"]
        assert (await chat.click("Greet")).content == "hello world (1)"


async def test_steps_nest_fail_and_are_kept(chat_user):
    async with ChatClient(APP, user=chat_user) as chat:
        with pytest.raises(ChatError) as failed:
            await chat.send("fail in a step")
        assert "the tool broke" in failed.value.detail
        outer, inner = chat.steps
        assert (outer["name"], outer["step_type"], outer["is_error"]) == ("failing", "tool", True)
        assert outer["output"] == "ValueError: the tool broke"
        assert (inner["name"], inner["parent_id"], inner["output"]) == ("inner", outer["id"], "found nothing")
        assert inner["start"] <= inner["end"] and outer["start"] <= inner["start"]
        session = await chat.reconnect()
        replayed = [frame for frame in session["history"] if frame["type"] == "step"]
        assert [(s["name"], s["is_error"]) for s in replayed] == [("failing", True), ("inner", False)]
    rows = await sync_to_async(list)(ChatMessage.objects.filter(role="step").values_list("author", flat=True))
    assert rows == ["failing", "inner"]


async def test_a_step_streams_its_output(chat_user):
    async with ChatClient(APP, user=chat_user) as chat:
        assert (await chat.send("stream a step")).content == "streamed"
        (step,) = chat.steps
        assert (step["name"], step["output"]) == ("streamer", "abc")
        streamed = [frame for frame in chat.frames if frame["type"] == "stream"]
        assert streamed and streamed[0]["id"] == step["id"]


async def test_steps_in_sync_code(chat_user):
    async with ChatClient("tests.chat_apps.sync_steps", user=chat_user) as chat:
        assert (await chat.send("quiet")).content == "done"
        outer, inner = chat.steps
        assert (outer["name"], outer["output"]) == ("outer", "QUIET")
        assert (inner["name"], inner["parent_id"], inner["output"]) == ("shout", outer["id"], "QUIET")


async def test_feedback_is_kept_one_per_user_and_message(chat_user):
    received = []

    async def receiver(**kwargs):
        received.append(kwargs)

    signals.feedback_received.connect(receiver)
    try:
        async with ChatClient(APP, user=chat_user) as chat:
            reply = await chat.send("hi", id="my-question")
            await chat.feedback(reply.id, 0, "too short")
            confirmed = await chat.feedback(reply.id, 1)
            assert confirmed == {"type": "feedback", "for": reply.id, "value": 1, "comment": ""}
            for bad, code in [
                ({"for": "my-question", "value": 1}, ErrorCode.UNKNOWN_MESSAGE),  # the user's own
                ({"for": "nope", "value": 1}, ErrorCode.UNKNOWN_MESSAGE),
                ({"for": reply.id, "value": 2}, ErrorCode.INVALID_FIELD),
                ({"for": reply.id, "value": True}, ErrorCode.INVALID_FIELD),
                ({"for": reply.id, "value": 1, "comment": "x" * 2001}, ErrorCode.INVALID_FIELD),
            ]:
                with pytest.raises(ChatError) as refused:
                    await chat.feedback(bad["for"], bad["value"], bad.get("comment", ""))
                assert refused.value.code == code
            session = await chat.reconnect()
            shown = {frame["id"]: frame.get("feedback") for frame in session["history"]}
            assert shown[reply.id] == {"value": 1, "comment": ""}
    finally:
        signals.feedback_received.disconnect(receiver)
    rows = await sync_to_async(list)(ChatFeedback.objects.values_list("message_id", "value", "comment"))
    assert rows == [(reply.id, 1, "")]
    assert [(r["message_id"], r["value"], r["comment"]) for r in received] == [
        (reply.id, 0, "too short"),
        (reply.id, 1, ""),
    ]


async def test_starters_come_from_the_profile_or_set_starters(chat_user):
    async with ChatClient(APP, user=chat_user) as chat:
        assert chat.starters == [
            {
                "label": f"Hello as {chat_user.get_username()}",
                "message": "hello",
                "command": None,
                "icon": None,
            }
        ]
    async with ChatClient(APP, user=chat_user, profile="Cook") as chat:
        assert [starter["label"] for starter in chat.starters] == ["Soup"]
        session_id = chat.session_id
    async with ChatClient(APP, user=chat_user, resume=session_id) as chat:
        assert chat.starters == []  # a resumed chat is not empty
