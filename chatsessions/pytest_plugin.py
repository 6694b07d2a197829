"""pytest fixtures for chat handler tests; registered through the pytest11 entry point
(or `-p chatsessions.pytest_plugin` where the package is not installed).

    def test_counter(chat_client):
        with chat_client("myproject.chat") as chat:
            assert chat.send("hi").content == "You sent 1 message(s)!"

The chat runs its database work in threads of its own, so these fixtures ask pytest-django
for transactional_db: what a test writes is committed, and the chat sees it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    # Imported when a fixture runs: a pytest plugin loads before Django is set up.
    from .testing import ChatClient


@pytest.fixture
def chat_user(transactional_db: None, django_user_model: Any) -> Any:
    """A user to chat as ("chat-user")."""
    return django_user_model.objects.create_user("chat-user", password="chat-user-password")


@pytest.fixture
def chat_client(transactional_db: None, chat_user: Any) -> Callable[..., ChatClient]:
    """Makes ChatClients, logged in as chat_user unless told otherwise:
    `chat(app, user=..., **options)`, opened with `with` or `async with`."""

    from .testing import ChatClient

    def make(app: str, user: Any = None, **options: Any) -> ChatClient:
        return ChatClient(app, user=user if user is not None else chat_user, **options)

    return make
