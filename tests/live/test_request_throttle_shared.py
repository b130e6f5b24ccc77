"""Two real app servers on one Redis give a client one request budget, not one per server."""

import http.client
import time
import uuid
from collections.abc import Callable

from live_servers import Installation

BUDGET = "3"  # a minute (below six a minute the window is the whole minute)


def get(url: str, path: str, address: str) -> tuple[int, str]:
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("GET", path, headers={"X-Forwarded-For": address})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status, response.headers.get("Retry-After", "")


def servers(installation: Callable[..., Installation], **env: str) -> tuple[str, str, str]:
    site = installation(
        DEBATTE_REQUESTS_PER_MINUTE_READ=BUDGET,
        DEBATTE_TRUSTED_PROXIES="127.0.0.1",
        DEBATTE_CACHE_PREFIX=f"t-{uuid.uuid4().hex[:8]}",
        **env,
    )
    urls = site.start_server(), site.start_server()
    if time.time() % 60 > 50:  # the requests below all fall into one minute's window
        time.sleep(61 - time.time() % 60)
    return *urls, f"/artikel/{site.article_key()}/"


def test_with_redis_the_budget_is_shared_by_both_servers(
    installation: Callable[..., Installation], redis_url: str
) -> None:
    first, second, page = servers(installation, REDIS_URL=redis_url)
    address = "198.51.100.20"
    answers = [get(url, page, address)[0] for url in (first, second, first)]
    assert answers == [200, 200, 200]
    status, retry_after = get(second, page, address)
    assert status == 429
    assert 1 <= int(retry_after) <= 60
    # Another client is served by both.
    assert get(first, page, "198.51.100.21")[0] == 200
    assert get(second, page, "198.51.100.21")[0] == 200


def test_without_redis_each_server_counts_alone(
    installation: Callable[..., Installation],
) -> None:
    first, second, page = servers(installation)
    address = "198.51.100.22"
    answers = [get(url, page, address)[0] for url in (first, second, first, second)]
    assert answers == [200, 200, 200, 200]  # two each: within each process's budget of three
