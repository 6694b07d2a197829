"""Which URLs an element may point to, read as a browser reads them."""

import pytest

from chatsessions.handler_api.elements import is_safe_url


@pytest.mark.parametrize(
    "url",
    ["https://example.com/a.png", "http://example.com", "HTTPS://EXAMPLE.COM", "/static/a.png", "/a?b=//c"],
)
def test_http_urls_and_paths_of_the_site_are_safe(url):
    assert is_safe_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "//evil.example/a.png",
        "/\\evil.example/a.png",
        "\\\\evil.example",
        "/\t/evil.example",
        "a.png",
        "",
    ],
)
def test_other_schemes_other_sites_and_relative_paths_are_not(url):
    assert not is_safe_url(url)
