"""The HTTP side's one error shape: each code has one status, and answers_json answers
every refusal (a view's Problem, storage's) in the same JSON."""

import ast
import inspect
import json

import pytest
from django.test import RequestFactory

from chatsessions.storage import files, history
from chatsessions.web.errors import HttpError, Problem, answer, answers_json, asgi_answer


def test_every_code_has_a_client_or_server_error_status():
    for code in HttpError:
        assert 400 <= code.status < 600, code


def test_every_refusal_storage_raises_is_a_code_with_its_status():
    raised = {
        node.args[0].value
        for node in ast.walk(ast.parse(inspect.getsource(files)))
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Refused"
    }
    assert raised and raised <= {str(code) for code in HttpError}


def test_an_answer_is_the_code_and_detail_with_the_codes_status():
    response = answer(HttpError.NOT_LOGGED_IN, "log in to see your chats")
    assert response.status_code == 401
    assert json.loads(response.content) == {"error": "not_logged_in", "detail": "log in to see your chats"}


def test_the_asgi_answer_has_the_same_shape_and_closes_the_connection():
    status, headers, body = asgi_answer(HttpError.REQUEST_TOO_LARGE, "too large")
    assert status == 413 and json.loads(body) == {"error": "request_too_large", "detail": "too large"}
    assert (b"connection", b"close") in headers and (b"content-length", str(len(body)).encode()) in headers


@pytest.mark.parametrize(
    ("raised", "status", "code"),
    [
        (Problem(HttpError.CSRF_FAILED, "no token"), 403, "csrf_failed"),
        (files.Refused("quota_exceeded", "too much"), 413, "quota_exceeded"),
        (history.BadRequest("cursor: no"), 400, "invalid_parameter"),
    ],
)
def test_answers_json_answers_each_kind_of_refusal(raised, status, code):
    @answers_json
    def view(request):
        raise raised

    response = view(RequestFactory().get("/"))
    assert (response.status_code, json.loads(response.content)["error"]) == (status, code)


def test_answers_json_lets_other_errors_through():
    @answers_json
    def view(request):
        raise KeyError("a bug")

    with pytest.raises(KeyError):
        view(RequestFactory().get("/"))
