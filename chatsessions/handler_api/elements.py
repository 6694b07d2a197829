"""Elements: the files, images, text, PDFs, charts, tables, sounds and videos of a
message, as in Chainlit:

    image = cl.Image(path="./cat.jpeg", name="image1", display="inline")
    await cl.Message(content="This message has an image!", elements=[image]).send()

An element made from content, a path or a figure is kept in the chat's file storage
when its message is sent (so it survives a resume and a move to another worker) and
served by the file view to the chat's owner only; one made from a URL is shown from
there. The files a user attaches reach on_message as message.elements, elements too.
"""

from __future__ import annotations

import io
import json
import os
import re
import uuid
from typing import IO, TYPE_CHECKING, Any, ClassVar

from channels.db import database_sync_to_async

from .session import RunningChat, active_chat
from .threads import ElementDict

if TYPE_CHECKING:
    from ..models import ChatFile
    from ..storage.files import Incoming


def _files() -> Any:
    """The files module, imported on first use: this module is part of the handler API
    (chatsessions/__init__.py), which loads before Django's models can."""
    from ..storage import files

    return files


#: What a browser strips from both ends of a URL (C0 controls and space), and what it
#: drops from anywhere in it (tab and newlines), before it parses it (WHATWG URL).
_URL_ENDS = "".join(map(chr, range(0x21)))
_URL_DROPPED = str.maketrans("", "", "\t\n\r")


def is_safe_url(url: str) -> bool:
    """Tells whether a browser reads url as an http(s) URL or as a path on this site.

    Read as a browser reads it: a backslash is a slash in an http(s) URL, and tabs and
    newlines are dropped, so a slash, a backslash and a tab make another site's "//host";
    a scheme is any letters before a colon, in any case.
    """
    cleaned = url.strip(_URL_ENDS).translate(_URL_DROPPED).replace("\\", "/")
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", cleaned)
    if scheme:
        return scheme[1].lower() in ("http", "https")
    return cleaned.startswith("/") and not cleaned.startswith("//")


class Element:
    """Something shown with a message: from content (bytes or text), a path or a URL."""

    #: How the page shows it: "image", "text", "pdf", "file", "plotly", "dataframe",
    #: "audio" or "video".
    type: ClassVar[str] = "file"
    #: The types its content may have ("audio/*" for a family; None: any).
    allowed: ClassVar[tuple[str, ...] | None] = None
    #: Whether its content is kept in the chat's file storage when it is sent (one from a
    #: URL is not either).
    kept_as_file: ClassVar[bool] = True

    def __init__(
        self,
        name: str = "",
        *,
        content: bytes | str | None = None,
        path: str | os.PathLike[str] | None = None,
        url: str | None = None,
        display: str = "inline",
        size: str | int | None = None,
        language: str | None = None,
        mime: str | None = None,
        page: int | None = None,
        id: str | None = None,
        for_id: str | None = None,
        # Chainlit's other arguments (thread_id, object_key, chainlit_key, ...) are not used.
        **chainlit_only: Any,
    ) -> None:
        if content is None and not path and not url:
            raise ValueError(f"{type(self).__name__} needs content, a path or a url")
        if url is not None and not is_safe_url(url):
            raise ValueError(f"{type(self).__name__}: url must be http(s):// or a path on this site")
        self.name = name or (os.path.basename(path) if path else "") or self.type
        self.content = content
        self.path = os.fspath(path) if path else None
        self.url = url
        self.display = display
        #: For an element a handler sends: "small", "medium" or "large", as in Chainlit. For
        #: a file the user attached: its size in bytes.
        self.size = size
        self.language = language
        self.mime = mime
        self.page = page
        self.id = id or str(uuid.uuid4())
        self.for_id = for_id
        #: The chat it is shown in, once a data layer is told of it (Chainlit's thread_id).
        self.thread_id: str | None = None
        #: Whether remove() took it away (a step shown again leaves it out).
        self.removed = False
        self._row: ChatFile | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, mime={self.mime!r})"

    # -- a file the user attached --------------------------------------------------------

    @classmethod
    def of(cls, row: ChatFile) -> Element:
        """The element of a stored file, of the class its type shows as."""
        kinds: dict[str, type[Element]] = {"image": Image, "pdf": Pdf, "audio": Audio, "video": Video}
        element = kinds.get(_files().element_type(row.mime), File)(
            row.name, url=_files().url_of(str(row.pk)) or "/", mime=row.mime, size=row.size, id=str(row.pk)
        )
        element.path = _local_path(row)
        element._row = row
        return element

    def read(self) -> bytes:
        """Its bytes (from the storage, once kept; blocking: from async code, run it with
        cl.run_sync or sync_to_async for large files)."""
        with self.open() as opened:
            return opened.read()

    def open(self) -> IO[bytes]:
        """Its bytes as a binary file to read."""
        if self._row is not None:
            return _files().storage().open(self._row.storage_name, "rb")
        if self.content is not None:
            return io.BytesIO(self.content.encode() if isinstance(self.content, str) else self.content)
        if self.path is not None:
            return open(self.path, "rb")
        raise ValueError(f"{self.name} is shown from {self.url}; its bytes are not here")

    # -- an element a handler sends ------------------------------------------------------

    def shown(self) -> dict[str, Any]:
        """How the page shows it, kept with its file."""
        shown: dict[str, Any] = {"type": self.type, "display": self.display}
        for key in ("language", "page"):
            if getattr(self, key) is not None:
                shown[key] = getattr(self, key)
        if isinstance(self.size, str):
            shown["size"] = self.size
        return shown

    def incoming(self) -> Incoming:
        """Its bytes, inspected, ready for the storage (blocking: reads a path)."""
        incoming = _files().Incoming(_files().clean_name(self.name), self.open())
        incoming.inspect(self.mime)
        allowed = self.allowed
        if allowed is not None and not _files().matches(incoming.mime, incoming.name, list(allowed)):
            raise ValueError(
                f"{type(self).__name__} {self.name!r}: its content is {incoming.mime}, "
                f"not one of {', '.join(allowed)}"
            )
        incoming.element = self.shown()
        return incoming

    async def remove(self) -> None:
        """Takes the element away from its message or step, in the page and the transcript
        (its file stays until the chat is deleted)."""
        self.removed = True
        await active_chat().remove_element(self.id, self.for_id)

    def to_dict(self) -> ElementDict:
        """Chainlit's ElementDict of it: what a data layer keeps of an element."""
        described: ElementDict = {
            "id": self.id,
            "threadId": self.thread_id,
            "type": self.type,
            "name": self.name,
            "display": self.display,
            "url": self.url,
            "mime": self.mime,
            "size": self.size,
            "language": self.language,
            "page": self.page,
            "props": getattr(self, "props", None),
            "forId": self.for_id,
        }
        return described

    def descriptor(self) -> dict[str, Any]:
        """The descriptor of an element not kept as a file: one shown from its URL."""
        return {
            **self.shown(),
            "id": self.id,
            "name": self.name,
            "mime": self.mime or "",
            "url": self.url,
        }


class Image(Element):
    type = "image"
    allowed = ("image/png", "image/jpeg", "image/gif", "image/webp")


class File(Element):
    type = "file"


class Text(Element):
    """Text shown in a box of its own, highlighted if language is given (a code block)."""

    type = "text"

    def __init__(self, name: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("mime", "text/plain")
        super().__init__(name, **kwargs)


class Pdf(Element):
    """A PDF in a viewer, opened at page if given."""

    type = "pdf"
    allowed = ("application/pdf",)


class Pyplot(Element):
    """A matplotlib figure, rendered to a PNG on the server."""

    type = "image"

    def __init__(self, name: str = "", *, figure: Any = None, **kwargs: Any) -> None:
        from matplotlib.figure import Figure

        if not isinstance(figure, Figure):
            raise TypeError("Pyplot needs figure=, a matplotlib.figure.Figure")
        image = io.BytesIO()
        figure.savefig(image, format="png", dpi=150, bbox_inches="tight")
        kwargs.update(content=image.getvalue(), mime="image/png")
        super().__init__(name, **kwargs)


class Plotly(Element):
    """An interactive chart: a plotly figure (or its JSON as a dict), drawn by the page."""

    type = "plotly"

    def __init__(self, name: str = "", *, figure: Any = None, **kwargs: Any) -> None:
        if isinstance(figure, dict):
            content = json.dumps(figure)
        elif hasattr(figure, "to_json"):
            content = figure.to_json()
        else:
            raise TypeError("Plotly needs figure=, a plotly Figure or its JSON as a dict")
        kwargs.update(content=content, mime="application/json")
        super().__init__(name, **kwargs)


class Dataframe(Element):
    """A table: a pandas or polars DataFrame, sent as JSON (pandas' "split" layout) and
    drawn by the page."""

    type = "dataframe"

    def __init__(self, name: str = "", *, data: Any = None, **kwargs: Any) -> None:
        kind = f"{type(data).__module__.split('.')[0]}.{type(data).__name__}"
        if kind == "pandas.DataFrame":
            content = data.to_json(orient="split", date_format="iso")
        elif kind == "polars.DataFrame":
            split = {"columns": data.columns, "index": list(range(len(data))), "data": data.rows()}
            content = json.dumps(split, default=str)
        else:
            raise TypeError("Dataframe needs data=, a pandas or polars DataFrame")
        kwargs.update(content=content, mime="application/json")
        kwargs.setdefault("size", "large")
        super().__init__(name, **kwargs)


class Audio(Element):
    """A sound, in a player; auto_play starts it as it shows."""

    type = "audio"
    allowed = ("audio/*", "video/mp4", "video/webm", "application/ogg")

    def __init__(self, name: str = "", *, auto_play: bool = False, **kwargs: Any) -> None:
        super().__init__(name, **kwargs)
        self.auto_play = bool(auto_play)

    def shown(self) -> dict[str, Any]:
        return {**super().shown(), "auto_play": self.auto_play}


class Video(Element):
    """A video, in a player (Chainlit's player_config is for its own player, not used)."""

    type = "video"
    allowed = ("video/*", "application/ogg")


class CustomElement(Element):
    """An element drawn by the project's own code, as Chainlit's cl.CustomElement:

        counter = cl.CustomElement(name="Counter", props={"count": 1})
        await cl.Message(content="A counter", elements=[counter]).send()

    The page draws it with the ES module among the project's static files at
    elements/<name>.js (Chainlit's public/elements/<name>.jsx): its default export is
    called with a root node and props, and may change the props (updateElement), remove
    the element, call an action callback or send a message (see docs/handler-api.md).
    props is a JSON object, kept with the message, never in the file storage."""

    type = "custom"
    kept_as_file = False

    def __init__(self, name: str = "", *, props: dict[str, Any] | None = None, **kwargs: Any) -> None:
        if not _files().CUSTOM_ELEMENT_NAME.match(name):
            raise ValueError(
                "CustomElement needs a name of letters, digits, - and _ that starts with a letter, "
                f"not {name!r}"
            )
        props = {} if props is None else props
        if not isinstance(props, dict):
            raise TypeError(f"CustomElement.props must be a dict, not {type(props).__name__}")
        kwargs.update(content=_json_of(props, "CustomElement.props"), mime="application/json")
        super().__init__(name, **kwargs)
        self.props = props

    def descriptor(self) -> dict[str, Any]:
        """What its message keeps and the page draws it from (props as they are now)."""
        if not _files().custom_module_url(self.name):
            raise ValueError(
                f"CustomElement {self.name!r}: no static file {_files().custom_module_path(self.name)} "
                "draws it (see docs/handler-api.md, custom elements)"
            )
        return {
            **self.shown(),
            "id": self.id,
            "name": self.name,
            "for_id": self.for_id,
            "props": json.loads(_json_of(self.props, "CustomElement.props")),
        }

    async def update(self) -> None:
        """Shows the element with its props as they are now (Chainlit's update())."""
        if self.for_id is None:
            raise ValueError("send the CustomElement with a message before updating it")
        await active_chat().update_element(self.for_id, self.descriptor())


def _json_of(value: Any, what: str) -> str:
    try:
        return json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{what} must be JSON-serialisable: {error}") from None


def _local_path(row: ChatFile) -> str | None:
    """The file's path where the storage is local (Chainlit code opens files by path)."""
    try:
        return str(_files().storage().path(row.storage_name))
    except NotImplementedError:
        return None


async def keep(chat: RunningChat, message_id: str, elements: list[Element]) -> list[dict[str, Any]]:
    """Keeps a message's elements (those from content, a path or a figure in the file
    storage) and returns their descriptors, for its frame and its transcript row."""
    stored = [element for element in elements if element.url is None and element.kept_as_file]
    if stored:
        reserved = chat.store.reserved
        rows = await database_sync_to_async(_keep_stored)(
            reserved["id"], reserved["user"], message_id, stored
        )
        for element, row in zip(stored, rows, strict=True):
            element.id, element._row, element.for_id = str(row.pk), row, message_id
            element.mime = row.mime
    described = []
    for element in elements:
        element.for_id = message_id
        row = element._row
        described.append(_files().descriptor(row) if row is not None else element.descriptor())
    return described


def _keep_stored(session_id: str, owner: Any, message_id: str, elements: list[Element]) -> list[ChatFile]:
    incoming = [element.incoming() for element in elements]
    try:
        return _files().keep_elements(session_id, owner, message_id, incoming)
    finally:
        for item in incoming:
            item.source.close()


class AskFileResponse:
    """A file the user gave in answer to AskFileMessage: id, name, path (where the storage
    is local), size in bytes and type (its MIME type), as in Chainlit; read() and open()
    give its bytes from any storage."""

    def __init__(self, row: ChatFile) -> None:
        self.id = str(row.pk)
        self.name = row.name
        self.size = row.size
        self.type = self.mime = row.mime
        self.path = _local_path(row)
        self._element = Element.of(row)

    def __repr__(self) -> str:
        return f"AskFileResponse(name={self.name!r}, type={self.type!r}, size={self.size})"

    def read(self) -> bytes:
        return self._element.read()

    def open(self) -> IO[bytes]:
        return self._element.open()
