"""An app whose @cl.oauth_callback lets in the provider's example.com users, refuses the
others, and goes wrong for one (tests/test_oauth.py)."""

from typing import Any

import chatsessions as cl


@cl.oauth_callback
def oauth_callback(
    provider_id: str, token: str, raw_user_data: dict[str, Any], default_user: cl.User, id_token: Any = None
) -> cl.User | None:
    email = raw_user_data.get("email", "")
    if email == "boom@example.com":
        raise RuntimeError("the callback failed")
    if not email.endswith("@example.com"):
        return None
    default_user.metadata["role"] = "staff-writer" if email.startswith("ann") else "reader"
    default_user.metadata["token_seen"] = bool(token)
    return default_user


@cl.on_chat_start
async def hello() -> None:
    user = cl.user_session.get("user")
    await cl.Message(f"Hello {user.display_name} ({user.identifier}, {user.metadata['role']})").send()
