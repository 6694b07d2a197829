"""URLs of the chat pages and of the chat history's JSON endpoints: include them under a
prefix, for example path("chat/", include("chatsessions.urls"))."""

from django.urls import path

from . import api
from .views import chat_page

app_name = "chatsessions"

urlpatterns = [
    path("", chat_page, name="chat"),
    path("api/<slug:app>/chats/", api.chat_list, name="chat-list"),
    path("api/<slug:app>/chats/<uuid:session_id>/", api.chat_detail, name="chat-detail"),
    path("api/<slug:app>/chats/<uuid:session_id>/messages/", api.chat_messages, name="chat-messages"),
    path("<slug:app>/", chat_page, name="chat-app"),
]
