"""ASGI entry point: Django for HTTP, chatsessions for WebSockets."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chatsite.settings")
# Set Django up before anything imports models.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from chatsessions.live.auth import ChatAuthMiddlewareStack  # noqa: E402
from chatsessions.routing import websocket_urlpatterns  # noqa: E402
from chatsessions.web.bodies import RequestBodyLimit  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": RequestBodyLimit(django_asgi_app),
        "websocket": ChatAuthMiddlewareStack(URLRouter(websocket_urlpatterns)),
    }
)
