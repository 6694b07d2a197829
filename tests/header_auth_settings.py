"""The test servers' settings with header authentication on, as behind an authenticating
proxy, for Chainlit's header_auth app (tests/test_accounts_page.py)."""

from tests.scale_settings import *  # noqa: F403

CHATSESSIONS = {
    **CHATSESSIONS,  # noqa: F405
    "APPS": {**CHATSESSIONS["APPS"], "e2e-header-auth": "tests.chainlit_e2e.header_auth.main"},  # noqa: F405
    "HEADER_AUTH": True,
}
AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, "chatsessions.auth.HeaderCallbackBackend"]  # noqa: F405
MIDDLEWARE = [*MIDDLEWARE, "chatsessions.middleware.HeaderAuthMiddleware"]  # noqa: F405
