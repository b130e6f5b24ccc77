"""Which address counts as the client's: only a configured proxy may say so (security #10)."""

import pytest
from django.test import RequestFactory

from debatte.core.clientip import client_ip


@pytest.fixture
def proxies(settings):
    def configure(*entries: str) -> None:
        settings.DEBATTE = {**settings.DEBATTE, "TRUSTED_PROXIES": list(entries)}

    return configure


def request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_forwarded_header_is_ignored(proxies):
    proxies()
    assert client_ip(request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_a_trusted_proxy_on_another_host_passes_the_reader_address(proxies):
    proxies("10.0.0.0/8")
    assert client_ip(request("10.1.2.3", "198.51.100.1")) == "198.51.100.1"


def test_a_client_cannot_choose_its_address_through_a_trusted_proxy(proxies):
    # The client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended the real address.
    proxies("10.0.0.1")
    assert client_ip(request("10.0.0.1", "1.2.3.4, 198.51.100.9")) == "198.51.100.9"


def test_chains_of_trusted_proxies_are_skipped_from_the_right(proxies):
    proxies("10.0.0.0/8", "192.168.0.0/16")
    forwarded = "1.2.3.4, 198.51.100.9, 192.168.1.1"
    assert client_ip(request("10.0.0.1", forwarded)) == "198.51.100.9"


def test_an_unreadable_hop_stops_at_the_last_trusted_address(proxies):
    proxies("10.0.0.1")
    assert client_ip(request("10.0.0.1", "not-an-address")) == "10.0.0.1"
    assert client_ip(request("10.0.0.1", "")) == "10.0.0.1"


def test_ports_and_ipv6_are_understood(proxies):
    proxies("::1")
    assert client_ip(request("::1", "[2001:db8::5]:4711")) == "2001:db8::5"
    assert client_ip(request("::1", "198.51.100.2:443")) == "198.51.100.2"


def test_a_missing_or_garbled_remote_address_is_unknown(proxies):
    proxies()
    assert client_ip(request("")) is None
    assert client_ip(request("garbage")) is None


def test_the_posted_comment_stores_the_forwarded_address(client, proxies, article, reader):
    from debatte.discussions.models import Comment

    proxies("10.9.9.9")
    client.force_login(reader)
    client.post(
        f"/artikel/{article.key}/kommentieren/",
        {"body": "Hinter dem Proxy geschrieben."},
        REMOTE_ADDR="10.9.9.9",
        HTTP_X_FORWARDED_FOR="198.51.100.77",
    )
    assert Comment.objects.get(article=article).ip_address == "198.51.100.77"
