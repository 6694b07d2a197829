"""SessionStore alone: reserved keys, dirtiness, the snapshot."""

import pytest

from chatsessions.handler_api.session import ReservedKeyError, SessionStore


def store(env=None, data=None):
    return SessionStore.of_chat("chat-1", None, None, {"style": "plain"}, env or {}, data or {})


def test_reserved_keys_are_read_only_and_the_apps_keys_are_not():
    chat = store()
    assert chat.get("id") == "chat-1" and chat.get("chat_settings") == {"style": "plain"}
    with pytest.raises(ReservedKeyError, match="reserved and read-only"):
        chat.set("user", "someone")
    with pytest.raises(TypeError):
        chat.set(3, "x")
    chat.set("counter", 1)
    assert chat.get("counter") == 1 and "counter" in chat and chat.keys()[-1] == "counter"


def test_the_store_is_dirty_after_a_change_or_a_read_of_a_mutable_value():
    chat = store(data={"n": 1, "items": []})
    assert not chat.dirty
    chat.get("n")
    assert not chat.dirty  # an int cannot change in place
    chat.get("items")
    assert chat.dirty  # a list can
    chat.snapshot()
    assert not chat.dirty


def test_the_snapshot_keeps_json_and_leaves_out_objects_and_env_values():
    chat = store(
        env={"API_KEY": "sk-12345678"}, data={"n": 1, "when": object(), "copy": ["Bearer sk-12345678"]}
    )
    written, unpersisted = chat.snapshot()
    assert written == {"n": 1}
    assert unpersisted == {"when": "object", "copy": "list, holds a user env value"}
