"""@cl.oauth_callback on django-allauth: the social account adapter a project names in
SOCIALACCOUNT_ADAPTER (as chatsessions.allauth.OAuthCallbackAdapter) has the chat apps'
oauth_callback decide every social login, as Chainlit's does its OAuth logins.

allauth runs the OAuth dance (the provider's redirect, the state check, the token); once
the provider says who the user is, and before allauth logs anyone in, the callbacks get
Chainlit's arguments (provider_id, token, raw_user_data, default_user, id_token). The
first cl.User returned logs in the Django user whose username is its identifier (made on
first login, never a staff user: callbacks.user_of), with its display name and metadata
kept as a password callback's are; None from every callback refuses the login (403).
Without any oauth_callback, allauth logs users in as it always does.
"""

from __future__ import annotations

import logging
from typing import Any

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.http import HttpRequest, HttpResponseForbidden

from ..handler_api.users import User
from .callbacks import call, callbacks_of, user_of

logger = logging.getLogger("chatsessions")

EVENT = "oauth_callback"


class OAuthCallbackAdapter(DefaultSocialAccountAdapter):
    """allauth's social account adapter, with the chat apps' oauth_callback deciding."""

    def pre_social_login(self, request: HttpRequest, sociallogin: Any) -> None:
        super().pre_social_login(request, sociallogin)
        callbacks = callbacks_of(EVENT)
        if not callbacks:
            return
        provider_id = sociallogin.account.provider
        extra = sociallogin.account.extra_data or {}
        raw_user_data = extra.get("userinfo", extra) if isinstance(extra, dict) else {}
        token = getattr(sociallogin.token, "token", "") or ""
        # allauth keeps no raw id token, only its claims (extra_data["id_token"], verified).
        id_token = None
        default_user = default_user_of(provider_id, raw_user_data)
        user = None
        for module, handler in callbacks:
            returned = call(module, EVENT, handler, provider_id, token, raw_user_data, default_user, id_token)
            if returned is not None:
                user = user_of(returned, module, EVENT)
                break
        if user is None:
            logger.info("an OAuth login through %s was refused by the oauth_callbacks", provider_id)
            raise ImmediateHttpResponse(HttpResponseForbidden("This login was refused."))
        if not sociallogin.is_existing:
            sociallogin.connect(request, user)
        elif sociallogin.user.pk != user.pk:
            # The provider's account is another user's here: the callback cannot move it.
            logger.warning(
                "the oauth_callback named %r for a %s account of another user; the login is refused",
                user.get_username(),
                provider_id,
            )
            raise ImmediateHttpResponse(HttpResponseForbidden("This login was refused."))


def default_user_of(provider_id: str, data: dict[str, Any]) -> User:
    """Chainlit's default_user: the provider's user as a cl.User, its identifier the
    username, email or subject the provider gave, its metadata the picture and the
    provider."""
    identifier = next(
        (str(data[key]) for key in ("preferred_username", "login", "email", "sub", "id") if data.get(key)),
        "",
    )
    metadata = {"image": data.get("picture") or data.get("avatar_url"), "provider": provider_id}
    return User(identifier=identifier, display_name=data.get("name") or None, metadata=metadata)
