"""cl.LlamaIndexCallbackHandler on a real LlamaIndex query engine (LlamaIndex's own fake
LLM and embeddings, tests/chat_apps/llama_index_app.py), run from a worker thread as
Chainlit's cookbook runs it: the query, its retrieval with its sources, and the LLM call
are nested steps; importing chatsessions imports no llama_index. Chainlit's own
llama_index_cb app is in test_chainlit_e2e.py."""

from __future__ import annotations

import pytest

from chatsessions.testing import ChatClient
from tests.servers import modules_after

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_query_shows_as_nested_steps(chat_user):
    async with ChatClient("llama-index", user=chat_user, timeout=20) as chat:
        reply = await chat.send("What does Chainlit build?")
        assert reply is not None and reply.content  # MockLLM's text
        by_name = {step["name"]: step for step in chat.steps}
        assert set(by_name) >= {"query", "retrieve", "llm"}, list(by_name)
        query, retrieve, llm = by_name["query"], by_name["retrieve"], by_name["llm"]
        assert query["parent_id"] is None and retrieve["parent_id"] == query["id"]
        assert (retrieve["step_type"], llm["step_type"]) == ("tool", "llm")
        assert retrieve["output"] == "Retrieved the following sources: Source 0, Source 1"
        assert [element["name"] for element in retrieve["elements"]] == ["Source 0", "Source 1"]
        assert query["output"].startswith("Retrieved the following sources")


def test_naming_the_handler_imports_llama_index_and_only_then():
    assert "llama_index.core" not in modules_after("import chatsessions")
    assert "llama_index.core" in modules_after("import chatsessions; chatsessions.LlamaIndexCallbackHandler")
