"""Custom elements (cl.CustomElement) in process: what their frames may do, and what a
careless or hostile client gets (Chainlit's own apps are in test_chainlit_e2e.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatsessions.testing import ChatClient, ChatError, HandlerError
from chatsessions.wire.frames import ErrorCode

APP = "tests.chat_apps.custom_elements"


async def test_props_change_from_the_page_and_from_the_handler(chat_user):
    async with ChatClient(APP, user=chat_user) as chat:
        assert (await chat.update_element("Counter", {"count": 5}))["props"] == {"count": 5}
        # The handler's own copy is its own: update() shows what it holds.
        assert (await chat.send("bump")).content == "bumped to 11"
        assert chat.custom_element("Counter")["props"] == {"count": 11}
        # The other element of the message stays as it was.
        assert [element["name"] for element in chat.history[0].elements] == ["Counter", "notes"]


async def test_call_action_runs_the_callback_by_name_and_returns_what_it_returned(chat_user):
    async with ChatClient(APP, user=chat_user) as chat:
        counter = chat.custom_element("Counter")
        reply = await chat.call_action(counter, "answer", {"x": [1, 2]})
        assert reply is not None and reply.content == f"payload {{'x': [1, 2]}} for {counter['for_id']}"
        (result,) = [frame for frame in chat.frames if frame["type"] == "action_result"]
        assert (result["ok"], result["response"]) == (True, {"answer": 42, "payload": {"x": [1, 2]}})
        with pytest.raises(HandlerError, match="the callback failed"):
            await chat.call_action(counter, "fails")
        (result,) = [frame for frame in chat.frames if frame["type"] == "action_result"]
        assert (result["ok"], result["response"]) == (False, None)


async def test_a_stopped_call_says_so(chat_user):
    async with ChatClient(APP, user=chat_user, timeout=10) as chat:
        counter = chat.custom_element("Counter")
        await chat.send_frame(
            {
                "type": "call_action",
                "id": "c1",
                "name": "slow",
                "payload": {},
                "from_element": {"id": counter["id"], "for": counter["for_id"]},
            }
        )
        await chat.expect("task")
        await chat.send_frame({"type": "stop"})
        result = await chat.expect("action_result")
        assert (result["id"], result["ok"]) == ("c1", False)


def ref(element_id: str, for_id: str) -> dict:
    return {"id": element_id, "for": for_id}


async def test_frames_naming_no_custom_element_of_this_chat_are_refused(chat_user, make_user):
    async with ChatClient(APP, user=chat_user) as chat:
        counter = chat.custom_element("Counter")
        notes = next(e for e in chat.history[0].elements if e["name"] == "notes")
        mine = ref(counter["id"], counter["for_id"])
        wrong = [
            ref("no-such-id", counter["for_id"]),  # an id the message does not show
            ref(counter["id"], "no-such-message"),  # the right id under another message
            ref(notes["id"], notes.get("for_id") or counter["for_id"]),  # not a custom element
        ]
        async with ChatClient(APP, user=await make_user("mallory")) as other:
            # Another user's chat: the element is not theirs, whatever its ids.
            for frame in (
                {"type": "element_update", "element": mine, "props": {"count": 666}},
                {"type": "element_delete", "element": mine},
                {"type": "call_action", "id": "c", "name": "answer", "from_element": mine},
                {"type": "message", "content": "hi", "command": "x", "from_element": mine},
            ):
                await other.send_frame(frame)
                assert (await other.expect("error"))["code"] == ErrorCode.UNKNOWN_ELEMENT, frame
        for bad in wrong:
            for frame in (
                {"type": "element_update", "element": bad, "props": {"count": 666}},
                {"type": "element_delete", "element": bad},
                {"type": "call_action", "id": "c", "name": "answer", "from_element": bad},
                {"type": "element_answer", "element": bad, "values": {}},
            ):
                await chat.send_frame(frame)
                assert (await chat.expect("error"))["code"] == ErrorCode.UNKNOWN_ELEMENT, frame
        assert chat.custom_element("Counter")["props"] == {"count": 1}
        # No callback of that name, and no question waiting on the element.
        with pytest.raises(ChatError) as refused:
            await chat.call_action(counter, "nosuch")
        assert refused.value.code == ErrorCode.UNKNOWN_ACTION
        with pytest.raises(ChatError) as refused:
            await chat.submit_element(counter, {"a": 1})
        assert refused.value.code == ErrorCode.UNKNOWN_ELEMENT
        # Once deleted, the element takes no frame any more.
        await chat.delete_element(counter)
        with pytest.raises(ChatError) as refused:
            await chat.update_element(counter, {"count": 2})
        assert refused.value.code == ErrorCode.UNKNOWN_ELEMENT


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "element_update", "props": {}},
        {"type": "element_update", "element": {"id": "a"}, "props": {}},
        {"type": "element_update", "element": {"id": "a", "for": ""}, "props": {}},
        {"type": "element_update", "element": {"id": "a" * 65, "for": "b"}, "props": {}},
        {"type": "element_update", "element": {"id": "a", "for": "b"}},
        {"type": "element_update", "element": {"id": "a", "for": "b"}, "props": [1]},
        {"type": "element_delete", "element": "a"},
        {"type": "element_answer", "element": {"id": "a", "for": "b"}, "values": [1]},
        {"type": "call_action", "name": "answer", "from_element": {"id": "a", "for": "b"}},
        {"type": "call_action", "id": "c", "from_element": {"id": "a", "for": "b"}},
        {"type": "call_action", "id": "c", "name": "", "from_element": {"id": "a", "for": "b"}},
        {"type": "call_action", "id": "c", "name": "x" * 201, "from_element": {"id": "a", "for": "b"}},
        {
            "type": "call_action",
            "id": "c",
            "name": "answer",
            "payload": [1],
            "from_element": {"id": "a", "for": "b"},
        },
        {"type": "call_action", "id": "c", "name": "answer"},
        {"type": "message", "content": "hi", "from_element": {"for": "b"}},
    ],
)
async def test_malformed_element_frames_say_which_field(chat_user, frame):
    async with ChatClient(APP, user=chat_user) as chat:
        await chat.send_frame(frame)
        assert (await chat.expect("error"))["code"] == ErrorCode.INVALID_FIELD


async def test_an_element_question_takes_a_submission_or_a_cancel_and_times_out(chat_user):
    async with ChatClient(APP, user=chat_user) as chat:
        await chat.send("ask 5")
        form = chat.custom_element("JiraTicket")
        assert chat.asked is not None and chat.asked["element"] == form["id"]
        # Another element of the chat does not answer it; the question still waits.
        with pytest.raises(ChatError) as refused:
            await chat.submit_element("Counter", {"summary": "x"})
        assert refused.value.code == ErrorCode.UNKNOWN_ELEMENT
        reply = await chat.submit_element(form, {"summary": "x", "submitted": "forged"})
        assert reply.content == "answer: {'summary': 'x', 'submitted': True}"
        assert [r.content for r in chat.history][-3:-1] == ["ask 5", "Thanks for submitting"]
        await chat.send("ask 5")
        assert (await chat.submit_element("JiraTicket", None)).content == "answer: {'submitted': False}"
        await chat.send("ask 0.1")
        assert (await chat.wait()).reply.content == "answer: None"
        assert chat.history[-2].content == "Timed out" and chat.history[-2].elements == []


async def test_a_message_from_an_element_may_carry_any_command(chat_user):
    async with ChatClient(APP, user=chat_user) as chat:
        assert (await chat.send_from_element("Counter", "go", "deploy")).content == "echo: go (deploy)"


async def test_a_custom_element_needs_a_name_and_a_module(chat_user):
    async with ChatClient(APP, user=chat_user) as chat:
        with pytest.raises(HandlerError, match="CustomElement needs a name"):
            await chat.send("make ../../etc/passwd")
        with pytest.raises(HandlerError, match=r"no static file elements/NoSuchElement\.js"):
            await chat.send("no module")


def test_custom_element_props_are_a_json_object():
    import chatsessions as cl

    with pytest.raises(TypeError, match="props must be a dict"):
        cl.CustomElement(name="Counter", props=[1])
    with pytest.raises(TypeError, match="JSON-serialisable"):
        cl.CustomElement(name="Counter", props={"when": object()})
    with pytest.raises(TypeError, match="AskElementMessage needs element="):
        cl.AskElementMessage(content="?", element=cl.Text(content="x"))


def test_the_documented_module_is_the_one_the_tests_load():
    from tests.documented import block

    served = Path(__file__).parent / "chat_apps" / "static" / "elements" / "Likes.js"
    assert served.read_text() == block("likes-element", "docs/handler-api.md")


def test_a_collected_module_is_named_by_its_hashed_url(settings, tmp_path):
    """Production: DEBUG off, collectstatic with the manifest storage. The module's URL is
    its hashed name, also where STATICFILES_DIRS no longer lists its folder."""
    from django.core.management import call_command

    from chatsessions.storage.files import custom_module_url

    settings.DEBUG = False
    settings.STATIC_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    url = custom_module_url("Likes")
    assert (
        url.startswith(f"{settings.STATIC_URL}elements/Likes.")
        and url.endswith(".js")
        and url != "/static/elements/Likes.js"
    )
    assert (
        (tmp_path / url.removeprefix(settings.STATIC_URL))
        .read_text()
        .startswith("// static/elements/Likes.js")
    )
    settings.STATICFILES_DIRS = []  # found among the collected files alone
    assert custom_module_url("Likes") == url
    assert custom_module_url("NoSuchElement") == custom_module_url("../Likes") == ""


async def test_a_custom_element_in_a_step_changes_there(chat_user):
    async with ChatClient(APP, user=chat_user) as chat:
        await chat.send("in a step")
        (step,) = chat.steps
        likes = chat.custom_element("Likes")
        assert (likes["for_id"], likes["props"]) == (step["id"], {"likes": 5})
        assert (await chat.update_element(likes, {"likes": 6}))["props"] == {"likes": 6}
        assert chat.steps[0]["elements"][0]["props"] == {"likes": 6}
        session = await chat.reconnect()
        (replayed,) = [frame for frame in session["history"] if frame["type"] == "step"]
        assert replayed["elements"][0]["props"] == {"likes": 6}


def test_a_kept_element_whose_module_is_gone_is_replayed_with_no_url(settings):
    """After a deploy that dropped its module, the page gets url "" and shows an error in
    the element's place (page/custom.js; rules.moduleUrl refuses "")."""
    from chatsessions.storage.files import with_urls

    kept = {"type": "custom", "id": "e1", "name": "Vanished", "display": "inline", "props": {}}
    assert with_urls([kept]) == [{**kept, "url": ""}]
    assert with_urls([{**kept, "name": "Likes"}])[0]["url"].endswith("/elements/Likes.js")
