"""Page addresses compared as one page (articles.keys.normalise_url)."""

import pytest

from debatte.articles.keys import normalise_url


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/politik/nato",
        "http://example.org/politik/nato",
        "https://www.example.org/politik/nato/",
        "https://EXAMPLE.org:443/politik/nato#kommentare",
        "https://example.org/politik/nato?utm_source=feed&fbclid=abc",
    ],
)
def test_one_page_under_many_addresses(url: str) -> None:
    assert normalise_url(url) == "example.org/politik/nato"


def test_what_makes_another_page() -> None:
    assert normalise_url("https://example.org/?p=1") != normalise_url("https://example.org/?p=2")
    assert normalise_url("https://example.org/a?x=1&y=2") == normalise_url(
        "https://example.org/a/?y=2&x=1"
    )
    assert normalise_url("https://example.org/A") != normalise_url("https://example.org/a")
    assert normalise_url("https://example.org:8443/a") == "example.org:8443/a"
    for not_a_page in ("", "/politik/nato", "ftp://example.org/a", "https://", "http://[::1"):
        assert normalise_url(not_a_page) == ""
