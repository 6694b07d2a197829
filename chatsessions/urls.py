"""URLs of the chat pages: include them under a prefix, for example path("chat/", ...)."""

from django.urls import path

from .views import chat_page

app_name = "chatsessions"

urlpatterns = [
    path("", chat_page, name="chat"),
    path("<slug:app>/", chat_page, name="chat-app"),
]
