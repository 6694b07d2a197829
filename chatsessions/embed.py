"""Embed tokens for the chat on another site's pages (docs/handler-api.md, "The copilot on
another site"): `embed_token(user, origin)` in a Django host's own view; the HTTP
endpoint `embed/token/` for any other host's backend."""

from .accounts.embed import embed_token

__all__ = ["embed_token"]
