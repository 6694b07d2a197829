"""A LlamaIndex query engine as Chainlit's cookbook builds one, on LlamaIndex's own fake
models (MockLLM, MockEmbedding): its query, retrieval and LLM call show as steps through
cl.LlamaIndexCallbackHandler."""

from llama_index.core import Document, Settings, VectorStoreIndex
from llama_index.core.callbacks import CallbackManager
from llama_index.core.embeddings import MockEmbedding
from llama_index.core.llms import MockLLM

import chatsessions as cl

DOCUMENTS = [
    Document(text="Django Channels extends Django to WebSockets."),
    Document(text="Chainlit builds chat apps in Python."),
]


@cl.on_chat_start
async def start():
    Settings.llm = MockLLM(max_tokens=8)
    Settings.embed_model = MockEmbedding(embed_dim=8)
    Settings.callback_manager = CallbackManager([cl.LlamaIndexCallbackHandler()])
    index = VectorStoreIndex.from_documents(DOCUMENTS)
    cl.user_session.set("engine", index.as_query_engine(similarity_top_k=2))
    await cl.Message("Ask me about the documents.").send()


@cl.on_message
async def ask(message: cl.Message):
    engine = cl.user_session.get("engine")
    answer = await cl.make_async(engine.query)(message.content)
    await cl.Message(str(answer)).send()
