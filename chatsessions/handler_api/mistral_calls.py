"""`cl.instrument_mistralai()`: every call of Mistral's client (`mistralai`) inside a chat
becomes an `llm` step, as instrument_openai() makes the openai client's (openai_calls.py
does the work; Mistral's answers have the same shape): `chat.complete` and
`chat.stream`, sync and async. `mistralai` is an optional extra (`chatsessions[mistralai]`),
imported when instrument_mistralai() is called.
"""

from __future__ import annotations

from .openai_calls import patch


def instrument_mistralai() -> None:
    """Makes every Mistral client call inside a chat an `llm` step."""
    try:
        from mistralai.client.chat import Chat  # mistralai 2 and later
    except ImportError:
        try:
            from mistralai.chat import Chat  # type: ignore[no-redef,import-untyped,unused-ignore]  # mistralai 1
        except ImportError as error:
            raise ImportError(
                "instrument_mistralai() needs the mistralai package:"
                " pip install mistralai (the package's mistralai extra)"
            ) from error
    patch(Chat, "complete", "chat", "mistralai", asynchronous=False, streams=False)
    patch(Chat, "stream", "chat", "mistralai", asynchronous=False, streams=True)
    patch(Chat, "complete_async", "chat", "mistralai", asynchronous=True, streams=False)
    patch(Chat, "stream_async", "chat", "mistralai", asynchronous=True, streams=True)
