"""LangChain runs as Chainlit's cookbook makes them, on LangChain's own fake chat model
(FakeListChatModel), shown as steps through cl.LangchainCallbackHandler: a chain
streamed (prompt | model | parser), a tool, a retriever, a LangGraph graph, a tool that
fails."""

from typing import TypedDict

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import RunnableConfig
from langchain_core.tools import tool

import chatsessions as cl


@tool
def word_count(text: str) -> int:
    """Counts the words of a text."""
    return len(text.split())


@tool
def broken(text: str) -> str:
    """Always fails."""
    raise ValueError(f"cannot handle {text!r}")


class Facts(BaseRetriever):
    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        return [Document(page_content="Chainlit builds chat apps in Python.")]


prompt = ChatPromptTemplate.from_messages([("system", "Be brief."), ("human", "{question}")])


class State(TypedDict, total=False):
    question: str
    facts: str
    answer: str


def graph():
    """A LangGraph graph of two nodes: look the facts up, then ask the model."""
    from langgraph.graph import END, START, StateGraph

    async def look_up(state: State, config: RunnableConfig) -> State:
        documents = await Facts().ainvoke(state["question"], config=config)
        return {"facts": documents[0].page_content}

    async def answer(state: State, config: RunnableConfig) -> State:
        model = FakeListChatModel(responses=["Chat apps, in Python."])
        reply = await model.ainvoke(f"{state['facts']} {state['question']}", config=config)
        return {"answer": str(reply.content)}

    built = StateGraph(State)
    built.add_node("look_up", look_up)
    built.add_node("answer", answer)
    built.add_edge(START, "look_up")
    built.add_edge("look_up", "answer")
    built.add_edge("answer", END)
    return built.compile()


@cl.on_message
async def reply(message: cl.Message):
    config = RunnableConfig(callbacks=[cl.LangchainCallbackHandler()])
    if message.content == "tool":
        await cl.Message(str(await word_count.ainvoke({"text": "one two three"}, config=config))).send()
    elif message.content == "retrieve":
        documents = await Facts().ainvoke("chainlit", config=config)
        await cl.Message(documents[0].page_content).send()
    elif message.content == "graph":
        state = await graph().ainvoke({"question": "What does Chainlit build?"}, config=config)
        await cl.Message(state["answer"]).send()
    elif message.content == "broken":
        try:
            await broken.ainvoke({"text": "this"}, config=config)
        except ValueError as error:
            await cl.ErrorMessage(str(error)).send()
    else:
        chain = prompt | FakeListChatModel(responses=["Chainlit builds chat apps."]) | StrOutputParser()
        answer = cl.Message("")
        async for token in chain.astream({"question": message.content}, config=config):
            await answer.stream_token(token)
        await answer.send()
