"""The django-allauth adapter that runs the chat apps' @oauth_callback on every social
login: SOCIALACCOUNT_ADAPTER = "chatsessions.allauth.OAuthCallbackAdapter" (it lives in
accounts/oauth.py; it needs django-allauth, `pip install "django-allauth[socialaccount]"`)."""

from .accounts.oauth import OAuthCallbackAdapter

__all__ = ["OAuthCallbackAdapter"]
