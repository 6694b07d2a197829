"""Each path's body limit: the default, or what its view declares."""

import json

from django.test import override_settings

from chatsessions.web.bodies import limit_for, refusal


def test_a_path_without_a_declared_limit_gets_max_request_bytes():
    with override_settings(
        CHATSESSIONS={"APPS": {"default": "chatsite.chat.counter"}, "MAX_REQUEST_BYTES": 1234}
    ):
        assert limit_for("/accounts/login/") == 1234
        assert limit_for("/no/such/path/") == 1234


def test_the_upload_endpoint_declares_its_files_limit_and_some_room_for_the_multipart():
    config = {"APPS": {"default": "chatsite.chat.counter"}, "MAX_MESSAGE_FILE_BYTES": 1000}
    with override_settings(CHATSESSIONS=config):
        path = "/chat/api/default/chats/00000000-0000-0000-0000-000000000000/files/"
        assert limit_for(path) == 1000 + 64 * 1024


def test_the_refusal_says_the_limit():
    status, _, body = refusal(10)
    assert status == 413 and json.loads(body)["detail"] == "request bodies here are limited to 10 bytes"
