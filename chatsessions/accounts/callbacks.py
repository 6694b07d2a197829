"""The auth callbacks of the chat apps, found in CHATSESSIONS["APPS"] and called from
Django's sync code (a backend, a signal receiver) with a time limit; what one raises or
returns that is not a cl.User refuses the login, and is logged."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from asgiref.sync import async_to_sync
from django.contrib.auth import get_user_model
from django.db import transaction

from ..conf import get_config
from ..handler_api.registry import Handler, load_app
from ..handler_api.users import User
from ..models import UserMetadata

logger = logging.getLogger("chatsessions")


def callbacks_of(event: str) -> list[tuple[str, Handler]]:
    """The handlers for event of the chat apps, in CHATSESSIONS["APPS"]'s order, each
    module once; an app that cannot be imported is logged and passed over."""
    found: list[tuple[str, Handler]] = []
    for module in dict.fromkeys(get_config()["APPS"].values()):
        try:
            app = load_app(module)
        except Exception:
            logger.exception("cannot import %s to look for its %s", module, event)
            continue
        handler = app.handler(event)
        if handler is not None:
            found.append((module, handler))
    return found


def call(module: str, event: str, handler: Handler, *args: Any) -> Any:
    """Calls handler (sync or async) from sync code within AUTH_CALLBACK_TIMEOUT_SECONDS;
    returns what it returns, or None if it raised or ran out of time (logged): for a
    login callback, the same as a refusal."""
    seconds = get_config()["AUTH_CALLBACK_TIMEOUT_SECONDS"]

    async def bounded() -> Any:
        return await asyncio.wait_for(handler(*args), seconds)

    try:
        return async_to_sync(bounded)()
    except TimeoutError:
        logger.error("%s of %s took longer than %s s; taken as no answer", event, module, seconds)
    except Exception:
        logger.exception("%s of %s failed; taken as no answer", event, module)
    return None


def user_of(returned: Any, module: str, event: str) -> Any:
    """The Django user a callback's cl.User names (its username the identifier), made if
    there is none, with its display name and metadata kept; None if the callback refused
    (returned None), returned something else, or named a staff user (logged)."""
    if returned is None:
        return None
    if not isinstance(returned, User):
        logger.error(
            "%s of %s returned %r, not a cl.User or None; the login is refused", event, module, returned
        )
        return None
    model = get_user_model()
    name_field = model._meta.get_field(model.USERNAME_FIELD)
    identifier = returned.identifier
    longest = getattr(name_field, "max_length", None) or 150
    if not isinstance(identifier, str) or not identifier.strip() or len(identifier) > longest:
        logger.error(
            "%s of %s returned a cl.User without a usable identifier (%r)", event, module, identifier
        )
        return None
    try:
        metadata = json.loads(json.dumps(returned.metadata or {}, allow_nan=False))
        if not isinstance(metadata, dict):
            raise TypeError("metadata is not a dict")
    except (TypeError, ValueError) as error:
        logger.error("%s of %s returned metadata that is not a JSON object: %s", event, module, error)
        return None
    try:
        with transaction.atomic():
            lookup: dict[str, Any] = {model.USERNAME_FIELD: identifier}
            user, created = model._default_manager.get_or_create(**lookup)
            if created:
                user.set_unusable_password()
                user.save()
            elif user.is_staff or user.is_superuser:
                # A callback's identifier is a chat's label ("admin" in Chainlit's own
                # examples), not a claim to the admin: staff log in with their own password.
                logger.warning(
                    "%s of %s named %r, a staff user of this site; the login is refused",
                    event,
                    module,
                    identifier,
                )
                return None
            UserMetadata.objects.update_or_create(
                user=user,
                defaults={"display_name": returned.display_name or "", "metadata": metadata, "source": event},
            )
    except Exception:
        logger.exception("%s of %s: the user %r cannot be found or made", event, module, identifier)
        return None
    return user
