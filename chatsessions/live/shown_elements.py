"""The elements a chat's messages and steps show, changed after they were sent: added,
removed, or a custom element's new props (Transcript's part for them)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from channels.db import database_sync_to_async

from ..storage.files import with_urls
from ..storage.history import elements_of
from ..wire import frames
from .data_feed import NoDataLayer
from .journal import Journal
from .writer import writer


class ShownElements:
    """What a transcript does with the elements of its sent messages and steps."""

    __slots__ = ()

    journal: Journal
    feed: NoDataLayer
    #: The element descriptors of the messages and steps sent with elements here, by id.
    elements_of: dict[str, list[dict[str, Any]]]

    if TYPE_CHECKING:  # the transcript's

        async def _send_kept(self, frame: dict[str, Any]) -> None: ...

    async def add_elements(self, message_id: str, elements: list[dict[str, Any]]) -> None:
        """Adds elements (kept in the file storage already) to a sent message."""
        kept = [*await self._elements(message_id), *elements]
        self.elements_of[message_id] = kept
        self.journal.edited(message_id, None, {"elements": kept}, merge=True)
        self.feed.shown(elements, message_id)
        await self._send_kept(frames.elements(message_id, with_urls(kept)))

    async def remove_element(self, element_id: str, for_id: str | None) -> None:
        """Takes an element away from the message or step for_id, and from the page."""
        if for_id:
            kept = await self._elements(for_id)
            left = [item for item in kept if item.get("id") != element_id]
            if len(left) != len(kept):
                self.elements_of[for_id] = left
                self.journal.edited(for_id, None, {"elements": left}, merge=True)
        self.feed.tell("delete_element", element_id, self.journal.session_id)
        await self._send_kept(frames.remove_element(element_id, for_id))

    async def update_element(self, for_id: str, described: dict[str, Any]) -> None:
        """Replaces the descriptor of an element of the message or step for_id (a custom
        element's new props) and shows it; an element removed meanwhile stays removed."""
        kept = await self._elements(for_id)
        if not any(item.get("id") == described["id"] for item in kept):
            return
        changed = [described if item.get("id") == described["id"] else item for item in kept]
        self.elements_of[for_id] = changed
        self.journal.edited(for_id, None, {"elements": changed}, merge=True)
        self.feed.shown([described], for_id)
        await self._send_kept(frames.elements(for_id, with_urls(changed)))

    async def custom_element(self, element_id: str, for_id: str) -> dict[str, Any] | None:
        """The descriptor of the custom element element_id that the message or step for_id
        of this chat shows now, if it does."""
        found = (item for item in await self._elements(for_id) if item.get("id") == element_id)
        described = next(found, None)
        return described if described is not None and described.get("type") == "custom" else None

    async def _elements(self, message_id: str) -> list[dict[str, Any]]:
        """The elements a sent message or step has now."""
        kept = self.elements_of.get(message_id)
        if kept is None:  # none sent with it here: as written (a moment from now, maybe)
            await writer().committed(self.journal)
            kept = await database_sync_to_async(elements_of)(self.journal.session_id, message_id)
        return kept
