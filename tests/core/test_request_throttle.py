"""Requests per client address: a flood from one address gets 429 with Retry-After, others not."""

import json
import logging
import os
import uuid

import pytest
from django.core.cache import caches
from django.test import Client

from debatte.core import request_counts, request_throttle
from debatte.core.request_throttle import retry_after

# Per minute; a sixth of each per 10-second window: READS and WRITES a window.
READS, WRITES = 6, 3
NOW = 1_000_000_003.0  # 7 s before the window ends
REDIS_TEST_URL = os.environ.get("DEBATTE_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


@pytest.fixture(autouse=True)
def small_budgets(settings: object, monkeypatch: pytest.MonkeyPatch) -> None:
    request_counts.forget_local()
    monkeypatch.setattr(request_throttle, "clock", lambda: NOW)  # no window ends mid-test
    settings.DEBATTE = {  # type: ignore[attr-defined]
        **settings.DEBATTE,  # type: ignore[attr-defined]
        "REQUESTS_PER_MINUTE_READ": READS * 6,
        "REQUESTS_PER_MINUTE_WRITE": WRITES * 6,
    }


@pytest.fixture
def page(article: object) -> str:
    return article.get_absolute_url()  # type: ignore[attr-defined]


def statuses(client: Client, method: str, path: str, count: int, **extra: str) -> list[int]:
    return [getattr(client, method)(path, **extra).status_code for _ in range(count)]


def test_the_read_over_budget_gets_429_and_another_address_is_served(page: str) -> None:
    client = Client()
    assert 429 not in statuses(client, "get", page, READS)
    refused = client.get(page)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "7"
    assert refused["Cache-Control"] == "no-store"
    assert "Zu viele Anfragen" in refused.content.decode()
    assert client.get(page, REMOTE_ADDR="198.51.100.2").status_code == 200


def test_the_page_is_english_for_english_readers(page: str) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    statuses(client, "get", page, READS)
    refused = client.get(page)
    assert refused.status_code == 429
    assert "Too many requests" in refused.content.decode()
    assert "Please wait 7 seconds and try again." in refused.content.decode()


def test_writes_have_their_own_budget(page: str) -> None:
    client = Client()
    posts = statuses(client, "post", "/i18n/setlang/", WRITES, data={"language": "en"})
    assert 429 not in posts
    assert client.post("/i18n/setlang/", {"language": "en"}).status_code == 429
    # Reads are still within theirs.
    assert client.get(page).status_code == 200
    statuses(client, "get", page, READS)
    assert client.get(page).status_code == 429


def test_probes_and_metrics_are_never_counted(page: str) -> None:
    client = Client()
    statuses(client, "get", page, READS + 1)
    assert client.get(page).status_code == 429
    for path in ("/healthz", "/readyz", "/metrics"):
        assert 429 not in statuses(client, "get", path, 3), path


def test_behind_a_trusted_proxy_the_forwarded_address_counts(settings: object, page: str) -> None:
    settings.DEBATTE = {**settings.DEBATTE, "TRUSTED_PROXIES": ["10.0.0.1"]}  # type: ignore[attr-defined]
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    first = {"HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    statuses(proxy, "get", page, READS, **first)
    assert proxy.get(page, **first).status_code == 429
    # Another reader behind the same proxy has a budget of their own.
    assert proxy.get(page, HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 200


def test_a_client_cannot_escape_by_sending_its_own_forwarded_header(page: str) -> None:
    client = Client(REMOTE_ADDR="203.0.113.9")
    answers = [
        client.get(page, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(READS + 1)
    ]
    assert answers[-1] == 429


def test_api_and_json_clients_get_json(page: str, article: object) -> None:
    client = Client()
    api = f"/api/v1/articles/{article.key}/comments"  # type: ignore[attr-defined]
    statuses(client, "get", api, READS)
    refused = client.get(api)
    assert refused.status_code == 429
    body = json.loads(refused.content)
    assert body["error"]["code"] == "throttled"
    assert "Bitte warten Sie" in body["error"]["message"]
    assert refused["Retry-After"]
    as_json = client.get(page, HTTP_ACCEPT="application/json")
    assert as_json.status_code == 429
    assert json.loads(as_json.content)["error"]["code"] == "throttled"


def test_zero_switches_the_budget_off(settings: object, page: str) -> None:
    settings.DEBATTE = {**settings.DEBATTE, "REQUESTS_PER_MINUTE_READ": 0}  # type: ignore[attr-defined]
    assert 429 not in statuses(Client(), "get", page, READS * 3)


def test_counting_that_fails_serves_and_logs_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, page: str
) -> None:
    def broken(*args: object, **kwargs: object) -> int:
        raise RuntimeError("counting broke")

    monkeypatch.setattr(request_counts, "increment", broken)
    with caplog.at_level(logging.WARNING, logger="debatte.core.request_throttle"):
        assert set(statuses(Client(), "get", page, READS * 2)) == {200}
    warnings = [r for r in caplog.records if r.name == "debatte.core.request_throttle"]
    assert len(warnings) == 1
    assert "counting failed" in warnings[0].getMessage()


def test_an_ipv6_client_is_counted_by_its_64_network(page: str) -> None:
    client = Client()
    answers = [
        client.get(page, REMOTE_ADDR=f"2001:db8:1:2::{n:x}").status_code for n in range(READS + 1)
    ]
    assert answers[-1] == 429
    assert client.get(page, REMOTE_ADDR="2001:db8:1:3::1").status_code == 200


def test_a_sixth_of_the_minute_per_ten_seconds() -> None:
    def hits(now: float, count: int, per_minute: int = 12) -> list[int]:
        return [retry_after("198.51.100.1", "t", per_minute, now) for _ in range(count)]

    assert hits(100.0, 3) == [0, 0, 10]
    assert hits(103.0, 1) == [7]
    assert hits(110.0, 3) == [0, 0, 10]  # the next window grants its sixth again


def test_a_budget_below_six_a_minute_counts_whole_minutes() -> None:
    def hit(now: float) -> int:
        return retry_after("198.51.100.1", "tiny", 3, now)

    assert [hit(120.0) for _ in range(3)] == [0, 0, 0]
    assert hit(121.0) == 59
    assert hit(150.0) == 30
    assert hit(180.0) == 0


def redis_cache(location: str) -> dict[str, object]:
    return {
        "default": {
            "BACKEND": "debatte.core.resilient_cache.ResilientRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": f"throttle-test-{uuid.uuid4().hex[:8]}",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


def test_with_redis_one_pipelined_counter_that_expires(settings: object, page: str) -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        message = f"Redis at {REDIS_TEST_URL} is not reachable"
        if os.environ.get("DEBATTE_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{message}; DEBATTE_REQUIRE_SERVICES=1 requires it")
        pytest.skip(f"{message}; set DEBATTE_REQUIRE_SERVICES=1 to make this a failure")
    settings.CACHES = redis_cache(REDIS_TEST_URL)  # type: ignore[attr-defined]
    client = Client()
    statuses(client, "get", page, READS)
    assert client.get(page).status_code == 429
    raw = caches["default"]._cache.get_client(write=True)  # type: ignore[attr-defined]
    keys = list(raw.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*requests-read*"))  # type: ignore[attr-defined]
    assert len(keys) == 1
    assert int(raw.get(keys[0])) == READS + 1
    assert 0 < raw.ttl(keys[0]) <= 11
    raw.delete(*keys)


def test_with_redis_away_requests_are_served_and_counted_in_memory(
    settings: object, page: str, caplog: pytest.LogCaptureFixture
) -> None:
    settings.CACHES = redis_cache("redis://127.0.0.1:1/0")  # type: ignore[attr-defined]
    client = Client()
    with caplog.at_level(logging.WARNING, logger="debatte.core.request_counts"):
        answers = statuses(client, "get", page, READS + 1)
    assert answers[:READS] == [200] * READS
    assert answers[-1] == 429  # counted in this process meanwhile
    logged = [r.getMessage() for r in caplog.records if r.name == "debatte.core.request_counts"]
    assert len(logged) == 1
    assert "Redis unreachable" in logged[0]
