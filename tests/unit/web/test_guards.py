"""The JSON endpoints' checks alone: the method, and Django's CSRF check answered in JSON."""

import pytest
from django.test import RequestFactory

from chatsessions.web.errors import HttpError, Problem
from chatsessions.web.guards import require_csrf_token, require_method

requests = RequestFactory(enforce_csrf_checks=True)


def test_a_method_not_taken_is_refused_with_the_methods_taken():
    require_method(requests.get("/"), "GET", "PATCH")
    with pytest.raises(Problem) as refused:
        require_method(requests.put("/"), "GET", "PATCH")
    assert refused.value.code is HttpError.METHOD_NOT_ALLOWED
    assert refused.value.headers == {"Allow": "GET, PATCH"}


def test_an_unsafe_request_needs_the_cookies_token_and_a_safe_one_does_not():
    require_csrf_token(requests.get("/"))
    with pytest.raises(Problem) as refused:
        require_csrf_token(requests.patch("/", "{}", content_type="application/json"))
    assert refused.value.code is HttpError.CSRF_FAILED
    token = "a" * 32
    sent = requests.patch("/", "{}", content_type="application/json", HTTP_X_CSRFTOKEN=token)
    sent.COOKIES["csrftoken"] = token
    require_csrf_token(sent)
