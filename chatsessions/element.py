"""chainlit.element's path: `from chatsessions.element import Element, ElementDict` and
the element classes (they live in handler_api/elements.py and handler_api/threads.py)."""

from .handler_api.elements import (
    Audio,
    CustomElement,
    Dataframe,
    Element,
    File,
    Image,
    Pdf,
    Plotly,
    Pyplot,
    Text,
    Video,
)
from .handler_api.threads import ElementDict

__all__ = [
    "Audio",
    "CustomElement",
    "Dataframe",
    "Element",
    "ElementDict",
    "File",
    "Image",
    "Pdf",
    "Plotly",
    "Pyplot",
    "Text",
    "Video",
]
