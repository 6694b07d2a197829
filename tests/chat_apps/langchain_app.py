"""LangChain runs as Chainlit's cookbook makes them, on LangChain's own fake chat model
(FakeListChatModel), shown as steps through cl.LangchainCallbackHandler: a chain
streamed (prompt | model | parser), a tool, a retriever, a tool that fails."""

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


@cl.on_message
async def reply(message: cl.Message):
    config = RunnableConfig(callbacks=[cl.LangchainCallbackHandler()])
    if message.content == "tool":
        await cl.Message(str(await word_count.ainvoke({"text": "one two three"}, config=config))).send()
    elif message.content == "retrieve":
        documents = await Facts().ainvoke("chainlit", config=config)
        await cl.Message(documents[0].page_content).send()
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
