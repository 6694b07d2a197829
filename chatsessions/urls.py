"""URLs of the chat pages, the chat history's JSON endpoints and chat files: include them
under a prefix, for example path("chat/", include("chatsessions.urls"))."""

from django.urls import path

from .web import embed_views, file_views
from .web import history_api as api
from .web.views import chat_page

app_name = "chatsessions"

urlpatterns = [
    path("", chat_page, name="chat"),
    path("api/<slug:app>/chats/", api.chat_list, name="chat-list"),
    path("api/<slug:app>/chats/<uuid:session_id>/", api.chat_detail, name="chat-detail"),
    path("api/<slug:app>/chats/<uuid:session_id>/messages/", api.chat_messages, name="chat-messages"),
    path("api/<slug:app>/chats/<uuid:session_id>/files/", file_views.upload, name="chat-files"),
    path("files/<uuid:file_id>/", file_views.download, name="file"),
    path("embed/token/", embed_views.token, name="embed-token"),
    path("embed/login/", embed_views.login, name="embed-login"),
    path("<slug:app>/", chat_page, name="chat-app"),
]
