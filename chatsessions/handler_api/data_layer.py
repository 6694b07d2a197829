"""Chainlit's data layer, as a sink: `@cl.data_layer` returns a BaseDataLayer, and the
chat tells it what Chainlit would (live/data_feed.py makes the calls). The database,
through the ORM, stays the source of truth: a data layer is told, never asked, so a team
can keep an analytics or export sink it wrote for Chainlit.

Also Chainlit's types a data layer is written with (Feedback, Pagination, ThreadFilter,
PageInfo, PaginatedResponse) and its queue_until_user_message decorator.
"""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from .elements import Audio, CustomElement, Dataframe, Element, File, Image, Pdf, Plotly, Text, Video
from .session import active_chat

if TYPE_CHECKING:
    from .threads import ElementDict, StepDict, ThreadDict
    from .users import PersistedUser, User

T = TypeVar("T")


@dataclass
class Feedback:
    """A user's feedback on a message (Chainlit's: value 1 up, 0 down)."""

    forId: str
    value: Literal[0, 1]
    threadId: str | None = None
    id: str | None = None
    comment: str | None = None


@dataclass
class Pagination:
    first: int
    cursor: str | None = None


@dataclass
class ThreadFilter:
    feedback: Literal[0, 1] | None = None
    userId: str | None = None
    search: str | None = None


@dataclass
class PageInfo:
    hasNextPage: bool
    startCursor: str | None
    endCursor: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"hasNextPage": self.hasNextPage, "startCursor": self.startCursor, "endCursor": self.endCursor}


@dataclass
class PaginatedResponse(Generic[T]):
    pageInfo: PageInfo
    data: list[T] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "pageInfo": self.pageInfo.to_dict(),
            "data": [_as_dict(item) for item in self.data],
        }


def _as_dict(item: Any) -> Any:
    return item.to_dict() if callable(getattr(item, "to_dict", None)) else item


class BaseDataLayer(ABC):
    """Chainlit's BaseDataLayer, with its abstract methods. Which of them a chat calls,
    and when, is in docs/handler-api.md ("Data layers"); the readers (get_thread,
    list_threads, get_element, ...) are never called: the history is the database's."""

    @abstractmethod
    async def get_user(self, identifier: str) -> PersistedUser | None: ...

    @abstractmethod
    async def create_user(self, user: User) -> PersistedUser | None: ...

    @abstractmethod
    async def delete_feedback(self, feedback_id: str) -> bool: ...

    @abstractmethod
    async def upsert_feedback(self, feedback: Feedback) -> str: ...

    @abstractmethod
    async def create_element(self, element: Element) -> Any: ...

    @abstractmethod
    async def get_element(self, thread_id: str, element_id: str) -> ElementDict | None: ...

    @abstractmethod
    async def delete_element(self, element_id: str, thread_id: str | None = None) -> Any: ...

    @abstractmethod
    async def create_step(self, step_dict: StepDict) -> Any: ...

    @abstractmethod
    async def update_step(self, step_dict: StepDict) -> Any: ...

    @abstractmethod
    async def delete_step(self, step_id: str) -> Any: ...

    @abstractmethod
    async def get_thread_author(self, thread_id: str) -> str: ...

    @abstractmethod
    async def delete_thread(self, thread_id: str) -> Any: ...

    @abstractmethod
    async def list_threads(
        self, pagination: Pagination, filters: ThreadFilter
    ) -> PaginatedResponse[ThreadDict]: ...

    @abstractmethod
    async def get_thread(self, thread_id: str) -> ThreadDict | None: ...

    @abstractmethod
    async def update_thread(
        self,
        thread_id: str,
        name: str | None = None,
        user_id: str | None = None,
        metadata: dict[str, Any] | None = None,
        tags: list[str] | None = None,
    ) -> Any: ...

    @abstractmethod
    async def build_debug_url(self) -> str: ...

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    async def get_favorite_steps(self, user_id: str) -> list[StepDict]: ...

    async def set_step_favorite(self, step_dict: StepDict, favorite: bool) -> StepDict:
        step_dict["metadata"] = {**(step_dict.get("metadata") or {}), "favorite": favorite}
        await self.update_step(step_dict)
        return step_dict


#: A call held: the bound method, its arguments and its keyword arguments.
HeldCall = tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]


class HeldCalls:
    """The calls a chat's data layer holds until the chat's first user message (what
    queue_until_user_message queues), in the order they were made, by method."""

    def __init__(self, waiting: bool) -> None:
        self.waiting = waiting
        self.calls: dict[str, deque[HeldCall]] = {}

    def hold(
        self, name: str, call: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        self.calls.setdefault(name, deque()).append((call, args, kwargs))

    def release(self) -> list[tuple[str, HeldCall]]:
        """Stops holding; returns what was held (with each method's name), method by
        method as Chainlit flushes."""
        self.waiting = False
        released = [(name, call) for name, queue in self.calls.items() for call in queue]
        self.calls.clear()
        return released


#: The held calls of the chat whose data layer is being told something (set by
#: live/data_feed.py for its calls).
holding: ContextVar[HeldCalls | None] = ContextVar("chatsessions_data_layer_holding", default=None)

Method = TypeVar("Method", bound=Callable[..., Coroutine[Any, Any, Any]])


def queue_until_user_message() -> Callable[[Method], Method]:
    """Chainlit's decorator for a data layer's methods: a call made before the chat's
    first user message waits for it (and is never made if none comes)."""

    def decorator(method: Method) -> Method:
        @functools.wraps(method)
        async def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            held = holding.get()
            if held is not None and held.waiting:
                held.hold(method.__name__, functools.partial(method, self), args, kwargs)
                return None
            return await method(self, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


_CLASSES: dict[str, type[Element]] = {
    cls.type: cls for cls in (File, Image, Text, Pdf, Plotly, Dataframe, Audio, Video, CustomElement)
}


def stored_element(described: dict[str, Any], thread_id: str, for_id: str | None) -> Element:
    """An element a chat shows, as a data layer's create_element is given it: of the
    class of its type, with its URL (its bytes stay in the file storage), thread_id,
    for_id, props (a custom element's) and to_dict()."""
    cls = _CLASSES.get(str(described.get("type")), File)
    # Element's own __init__, not the class's: the element was made and checked when it
    # was sent; here it is only described again (a Pyplot's would render a figure).
    element = Element.__new__(cls)
    Element.__init__(
        element,
        str(described.get("name") or cls.type),
        url=described.get("url") or "/",
        display=described.get("display", "inline"),
        size=described.get("size"),
        language=described.get("language"),
        mime=described.get("mime"),
        page=described.get("page"),
        id=str(described.get("id")),
        for_id=for_id,
    )
    element.thread_id = thread_id
    if described.get("props") is not None:
        element.props = described["props"]  # type: ignore[attr-defined]
    return element


async def persist_user_session(thread_id: str, metadata: dict[str, Any]) -> None:
    """Chainlit's chainlit.socket.persist_user_session: tells the running chat's data
    layer the thread's metadata (update_thread(thread_id, metadata=...)), in order with
    what it is told of the chat; nothing if the chat's app has no data layer."""
    active_chat().tell_data_layer("update_thread", thread_id=thread_id, metadata=metadata)
