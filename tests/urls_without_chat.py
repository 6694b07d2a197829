"""A URLconf without chatsessions.urls, for the system check that notices it."""

urlpatterns: list[object] = []
