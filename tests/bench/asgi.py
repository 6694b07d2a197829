"""The benchmark server: the demo's stack, plus the bare consumer at ws/bare/."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.bench.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

from chatsessions.routing import websocket_urlpatterns  # noqa: E402
from chatsessions.web.bodies import RequestBodyLimit  # noqa: E402
from tests.bench.bare import BareCounter  # noqa: E402

routes = [*websocket_urlpatterns, path("ws/bare/", BareCounter.as_asgi())]
application = ProtocolTypeRouter(
    {
        "http": RequestBodyLimit(django_asgi_app),
        "websocket": AuthMiddlewareStack(URLRouter(routes)),
    }
)
