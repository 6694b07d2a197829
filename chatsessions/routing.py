"""WebSocket URL patterns: the default chat app at ws/chat/, any other at ws/chat/<app>/."""

from __future__ import annotations

from django.urls import path

from .live.consumers import ChatConsumer

websocket_urlpatterns = [
    path("ws/chat/", ChatConsumer.as_asgi()),
    path("ws/chat/<slug:app>/", ChatConsumer.as_asgi()),
]
