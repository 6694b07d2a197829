"""The element sidebar, Chainlit's side view the handler fills:

    await cl.ElementSidebar.set_elements([cl.Text(content="Notes", name="notes")])
    await cl.ElementSidebar.set_title("Your notes")

The page shows it beside the chat until the handler empties it. It is not kept with the
transcript: a resumed chat starts without it, as in Chainlit.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..wire import frames
from .elements import Element, keep
from .session import active_chat

#: What a sidebar element's file row names as its message.
SIDEBAR = "sidebar"


class ElementSidebar:
    """Opens, fills and closes the side view of the running chat's page."""

    @staticmethod
    async def set_title(title: str) -> None:
        """Titles the side view and opens it."""
        if not isinstance(title, str):
            raise TypeError(f"set_title takes a string, not {type(title).__name__}")
        await active_chat().send(frames.sidebar(title=title))

    @staticmethod
    async def set_elements(elements: Sequence[Element], key: str | None = None) -> None:
        """Shows elements in the side view (opening it); none close it. If the side view
        shows key's elements already, a call with the same key changes nothing there."""
        if not all(isinstance(element, Element) for element in elements):
            raise TypeError("set_elements takes a list of elements (cl.Text, cl.Image, ...)")
        if key is not None and not isinstance(key, str):
            raise TypeError(f"key is a string, not {type(key).__name__}")
        from ..storage.files import with_urls  # the handler API loads before the models

        chat = active_chat()
        described = await keep(chat, SIDEBAR, list(elements))
        await chat.send(frames.sidebar(elements=with_urls(described), key=key))
