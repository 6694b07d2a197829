"""cl.LangchainCallbackHandler on LangChain's own fake chat model
(tests/chat_apps/langchain_app.py): a streamed chain's model call is an llm step with its
generation (the RunnableSequence and its prompt and parser left out, as in Chainlit), a
tool and a retriever are tool steps, a failing tool marks its step; importing
chatsessions imports no langchain."""

from __future__ import annotations

import pytest

from chatsessions.models import ChatMessage
from chatsessions.testing import ChatClient
from tests.conftest import eventually
from tests.servers import modules_after

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_streamed_chains_model_call_is_an_llm_step(chat_user):
    async with ChatClient("langchain", user=chat_user) as chat:
        reply = await chat.send("What does Chainlit build?")
        assert reply is not None and reply.content == "Chainlit builds chat apps."
        [step] = chat.steps
        assert (step["name"], step["step_type"], step["output"]) == (
            "FakeListChatModel",
            "llm",
            "Chainlit builds chat apps.",
        )

    generation: dict = {}

    async def kept() -> None:
        row = await ChatMessage.objects.filter(message_id=step["id"]).afirst()
        generation.update(((row.meta if row else None) or {}).get("generation") or {})
        assert generation.get("message_completion")

    await eventually(kept)
    assert [m["role"] for m in generation["messages"]] == ["system", "user"]
    assert generation["messages"][1]["content"] == "What does Chainlit build?"
    assert generation["message_completion"] == {"role": "assistant", "content": "Chainlit builds chat apps."}
    assert generation["tt_first_token"] is not None  # it streamed


@pytest.mark.parametrize(
    ("said", "name", "output"),
    [("tool", "word_count", "3"), ("retrieve", "Facts", "Chainlit builds chat apps in Python.")],
)
async def test_tools_and_retrievers_are_tool_steps(chat_user, said, name, output):
    async with ChatClient("langchain", user=chat_user) as chat:
        await chat.send(said)
        [step] = chat.steps
        assert (step["name"], step["step_type"], step["is_error"]) == (name, "tool", False)
        assert output in step["output"]


async def test_a_failing_tool_marks_its_step(chat_user):
    async with ChatClient("langchain", user=chat_user) as chat:
        reply = await chat.send("broken")
        assert reply is not None and reply.is_error
        [step] = chat.steps
        assert step["is_error"] and "cannot handle 'this'" in step["output"]


def test_naming_the_handler_imports_langchain_and_only_then():
    assert "langchain_core" not in modules_after("import chatsessions")
    assert "langchain_core" in modules_after("import chatsessions; chatsessions.LangchainCallbackHandler")


async def test_a_langgraph_run_shows_its_nodes_and_their_calls_nested(chat_user):
    async with ChatClient("langchain", user=chat_user) as chat:
        reply = await chat.send("graph")
        assert reply is not None and reply.content == "Chat apps, in Python."
        by_name = {step["name"]: step for step in chat.steps}
        assert set(by_name) >= {"LangGraph", "look_up", "Facts", "answer", "FakeListChatModel"}, list(by_name)
        graph = by_name["LangGraph"]
        assert graph["step_type"] == "run" and graph["parent_id"] is None
        assert by_name["look_up"]["parent_id"] == by_name["answer"]["parent_id"] == graph["id"]
        assert by_name["Facts"]["parent_id"] == by_name["look_up"]["id"]
        model = by_name["FakeListChatModel"]
        assert (model["parent_id"], model["step_type"]) == (by_name["answer"]["id"], "llm")
