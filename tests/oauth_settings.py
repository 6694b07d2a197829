"""The test servers' settings with django-allauth's OAuth logins, as the handler API's
"OAuth logins" recipe sets them up, against the tests' own provider on loopback
(tests/oauth_provider.py, its URL in OAUTH_PROVIDER_URL): tests/test_oauth.py."""

import os

from tests.documented import block
from tests.scale_settings import *  # noqa: F403

# The handler API's settings for OAuth logins, as written there.
INSTALLED_APPS = list(INSTALLED_APPS)  # noqa: F405 (a copy: the block adds to it)
MIDDLEWARE = list(MIDDLEWARE)  # noqa: F405
exec(block("oauth-settings", "docs/handler-api.md", "python"))
ROOT_URLCONF = "tests.oauth_urls"
LOGIN_REDIRECT_URL = "/chat/oauth/"
CHATSESSIONS = {**CHATSESSIONS, "APPS": {**CHATSESSIONS["APPS"], "oauth": "tests.chat_apps.oauth_app"}}  # noqa: F405

# The tests' own provider, as the handler API's SOCIALACCOUNT_PROVIDERS example has one.
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": "fake",
                "name": "The tests' provider",
                "client_id": "chat-client",
                "secret": "chat-secret",
                "settings": {
                    "server_url": os.environ.get("OAUTH_PROVIDER_URL", "http://127.0.0.1:9")
                    + "/.well-known/openid-configuration",
                },
            }
        ],
    }
}
