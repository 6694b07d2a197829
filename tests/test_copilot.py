"""The copilot's protocol, through real consumers: a copilot client says which page it is
on, window messages go both ways, CopilotFunction calls are answered by the host page or
fail clearly (no such function, no answer in time, not a copilot), and a system message
from the page reaches on_message. Chromium drives the widget in test_copilot_page.py."""

from __future__ import annotations

import pytest

from chatsessions.testing import ChatClient

pytestmark = pytest.mark.django_db(transaction=True)

PAGE = {"url": "http://testserver/product/", "object": {"id": 42, "name": "Blue kettle"}}


def contents(chat: ChatClient) -> list[str]:
    return [reply.content for reply in chat.history]


async def test_a_copilot_knows_its_page(chat_user):
    async with ChatClient("copilot", user=chat_user, client="copilot", page=PAGE) as chat:
        assert "You are looking at the Blue kettle." in contents(chat)[0]
    async with ChatClient("copilot", user=chat_user) as chat:  # the chat page: no page
        assert "Open me from a product page" in contents(chat)[0]


async def test_window_messages_go_both_ways(chat_user):
    async with ChatClient("e2e-window-message", user=chat_user, client="copilot") as chat:
        assert contents(chat) == ["Window message test ready"]
        await chat.send_frame({"type": "window_message", "data": "Client: Hello"})
        assert (await chat.expect("window_message"))["data"] == "Server: World"


async def test_chainlits_copilot_calls_the_page_and_hears_its_system_message(chat_user):
    async with ChatClient("e2e-copilot", user=chat_user, client="copilot", timeout=10) as chat:
        assert contents(chat) == ["Hi from copilot!"]
        await chat.send_later("Call func!")
        call = await chat.expect("call_fn")
        assert (call["name"], call["args"]) == ("test", {"msg": "Call func!"})
        # As Chainlit's spec's page does: a system message, then the function's answer.
        await chat.send_frame({"type": "message", "content": "Hello World!", "system": True})
        await chat.send_frame(
            {"type": "call_fn_result", "id": call["id"], "result": "Function called with: Call func!"}
        )
        shown = []
        while "System message received: Hello World!" not in shown:
            shown.append((await chat.expect("message"))["content"])
        assert shown == [
            "Hello World!",
            "Function called with: Call func!",
            "System message received: Hello World!",
        ]


async def test_a_call_the_page_cannot_answer_fails_clearly(chat_user):
    async with ChatClient("copilot-calls", user=chat_user, client="copilot") as chat:
        await chat.send_later("missing")
        call = await chat.expect("call_fn")
        error = 'no function named "missing" is registered on this page'
        await chat.send_frame({"type": "call_fn_result", "id": call["id"], "error": error})
        await chat.wait()
        assert contents(chat)[-1] == f"refused: the page could not call 'missing': {error}"
        await chat.send_later("slow")  # never answered
        call = await chat.expect("call_fn")
        over = await chat.expect("call_fn_over")
        assert over["id"] == call["id"]
        await chat.wait()
        assert contents(chat)[-1].startswith("refused: the page answered no call of 'slow' within 0.3 s")
        # An answer after the call was given up, or for no call at all, is refused.
        await chat.send_frame({"type": "call_fn_result", "id": call["id"], "result": 1})
        assert (await chat.expect("error"))["code"] == "unknown_call"


async def test_on_the_chat_page_a_copilot_function_is_refused(chat_user):
    async with ChatClient("copilot-calls", user=chat_user) as chat:
        reply = await chat.send("anything")
        assert reply is not None and reply.content.startswith(
            "refused: CopilotFunction calls the page hosting"
        )


@pytest.mark.parametrize(
    ("start", "detail"),
    [
        ({"client": "evil"}, "start.client must be one of webapp, copilot"),
        ({"client": 1}, "start.client must be a string"),
        ({"client": "copilot", "page": "x"}, "start.page must be an object"),
        (
            {"client": "copilot", "page": {"url": "u" * 3000}},
            "start.page.url must be a string of at most 2048",
        ),
        ({"client": "copilot", "page": {"url": 5}}, "start.page.url must be a string"),
    ],
)
async def test_a_bad_copilot_start_is_refused(chat_user, start, detail):
    chat = ChatClient("copilot", user=chat_user, start=False)
    await chat.connect()
    try:
        await chat.send_frame({"type": "start", **start})
        error = await chat.expect("error")
        assert error["code"] == "invalid_field" and detail in error["detail"]
    finally:
        await chat.let_go()


async def test_window_messages_to_an_app_without_a_handler_are_dropped(chat_user):
    async with ChatClient("probe", user=chat_user, client="copilot") as chat:
        await chat.send_frame({"type": "window_message", "data": {"any": ["json"]}})
        reply = await chat.send("echo hi")  # the socket goes on; nothing came of the post
        assert reply is not None and reply.content == "echo echo hi"


async def test_a_flood_of_window_messages_is_refused_as_any_flood(chat_user):
    async with ChatClient("copilot-calls", user=chat_user, client="copilot") as chat:
        for n in range(10):  # each queues the slow on_window_message; past 5 waiting, refused
            await chat.send_frame({"type": "window_message", "data": n})
        refused, posted = 0, []
        while len(posted) < 10 - refused:
            frame = await chat.receive()
            refused += frame["type"] == "error" and frame["code"] == "flood"
            if frame["type"] == "window_message":
                posted.append(frame["data"])
        # Some were refused; what was queued is answered, in order.
        numbers = [int(data.removeprefix("got ")) for data in posted]
        assert refused >= 1 and numbers[0] == 0 and numbers == sorted(numbers)


async def test_a_system_message_answers_no_question_of_the_users(chat_user):
    async with ChatClient("cl-ask-user", user=chat_user, client="copilot") as chat:
        assert chat.asked is not None  # "What is your name?"
        await chat.send_frame({"type": "message", "content": "Jeeves", "system": True})
        assert (await chat.expect("message"))["role"] == "system"
        reply = await chat.send("Jeeves")  # the user's own answer
        assert reply is not None and reply.content == "Your name is: Jeeves"


def test_the_widget_tag_names_an_unknown_app_and_the_demo_page_404s(client, django_user_model):
    from django.template import Context, Template, TemplateSyntaxError

    tag = Template('{% load chatsessions %}{% chat_widget "copilot" object=product %}')
    shown = tag.render(Context({"product": {"id": 42}}))
    assert '<chat-widget src="/chat/copilot/?client=copilot&amp;page_object=' in shown
    with pytest.raises(TemplateSyntaxError, match="no chat app named 'nope'"):
        Template('{% load chatsessions %}{% chat_widget "nope" %}').render(Context())
    client.force_login(django_user_model.objects.create_user("widget-user"))
    assert client.get("/product/nope/").status_code == 404
    assert client.get("/product/").status_code == 200
