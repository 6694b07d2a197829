"""A chat's title: its first user message, unless a handler sets one."""

import pytest

import chatsessions as cl
from chatsessions.models import ChatSession
from tests.conftest import eventually


async def title_of(session_id):
    return (await ChatSession.objects.aget(pk=session_id)).title


async def test_the_first_user_message_titles_the_chat_folded_and_cut(chat_client):
    async with chat_client("probe") as chat:
        await chat.send("  what   is\nthe plan " + "x" * 300)
        await chat.send("a later message changes nothing")

        async def titled():
            title = await title_of(chat.session_id)
            assert title.startswith("what is the plan xxx")
            assert len(title) == 200 and title.endswith("x…")

        await eventually(titled)


async def test_a_handler_titles_the_chat_and_a_resume_keeps_it(chat_client):
    async with chat_client("probe") as chat:
        assert (await chat.send("title Trip to Lisbon")).content == "titled"
        await chat.send("and then something else")

        async def titled():
            assert await title_of(chat.session_id) == "Trip to Lisbon"

        await eventually(titled)
        await chat.reconnect()
        await chat.send("more")
        await eventually(titled)


def test_set_title_takes_a_string_inside_a_handler():
    with pytest.raises(TypeError, match="set_title takes a string"):
        cl.set_title(3)
    with pytest.raises(cl.NoActiveChatError):
        cl.set_title("outside any chat")
