"""An ASGI application whose HTTP side has no RequestBodyLimit, for the system check's test."""

from channels.routing import ProtocolTypeRouter
from django.core.asgi import get_asgi_application

application = ProtocolTypeRouter({"http": get_asgi_application()})
