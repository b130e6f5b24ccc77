"""PostgreSQL restarted under load: requests in flight fail with a clean 503 (page or JSON), the
app recovers by itself within seconds, and no 500 or stack trace reaches a reader.

The database is a PostgreSQL cluster of this test only (initdb in a temporary directory on a
free port, as the `postgres` user when run as root), restarted with `pg_ctl restart -m fast`:
what a reader sees when the operator restarts the server. The machine's PostgreSQL is not
touched.
"""

import http.client
import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from faults import LOAD_ENV, PrivatePostgres, make_sessions, private_postgres
from live_servers import Installation, make_installation

CLIENTS, BEFORE, AFTER = 8, 2.0, 8.0


@pytest.fixture(scope="module")
def postgres_site(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Installation, PrivatePostgres]]:
    import psycopg

    with private_postgres() as server:
        with psycopg.connect(server.url, autocommit=True) as admin:
            admin.execute("CREATE DATABASE debatte_fault")
        url = server.url.rsplit("/", 1)[0] + "/debatte_fault"
        site = make_installation(
            tmp_path_factory.mktemp("pg-restart"), DATABASE_URL=url, **LOAD_ENV
        )
        yield site, server


class Load(threading.Thread):
    """A reader who reads (as HTML and through the API) and posts until told to stop."""

    def __init__(self, port: int, session: str, key: str, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.port, self.session, self.key, self.stop = port, session, key, stop
        self.results: list[tuple[float, str, int, bytes, str]] = []  # when, what, status, ...

    def call(self, what: str, method: str, path: str, body: str = "", **headers: str) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        try:
            connection.request(method, path, body=body or None, headers=headers)
            response = connection.getresponse()
            content = response.read()
            self.results.append(
                (time.monotonic(), what, response.status, content[:2000],
                 response.headers.get("Retry-After", ""))
            )  # fmt: skip
            if what == "page":
                found = re.search(r"csrftoken=([^;]+)", response.headers.get("Set-Cookie", ""))
                if found:
                    self.csrf = found.group(1)
            return response.status
        except (OSError, http.client.HTTPException) as error:
            self.results.append((time.monotonic(), what, 0, repr(error).encode(), ""))
            return 0
        finally:
            connection.close()

    def run(self) -> None:
        self.csrf = ""
        cookie = f"sessionid={self.session}"
        while not self.stop.is_set():
            self.call("page", "GET", f"/artikel/{self.key}/", Cookie=cookie)
            self.call(
                "api", "GET", f"/api/v1/articles/{self.key}/comments", Accept="application/json"
            )
            if self.csrf:
                self.call(
                    "post",
                    "POST",
                    f"/artikel/{self.key}/kommentieren/",
                    f"body=Unter+Last+{uuid.uuid4().hex[:8]}.",
                    Cookie=f"{cookie}; csrftoken={self.csrf}",
                    **{
                        "X-CSRFToken": self.csrf,
                        "Content-Type": "application/x-www-form-urlencoded",
                    },
                )


def test_a_postgresql_restart_under_load_is_a_clean_503_and_heals_itself(
    postgres_site: tuple[Installation, PrivatePostgres], tmp_path: Path
) -> None:
    site, server = postgres_site
    key = site.article_key()
    sessions = make_sessions(site, CLIENTS)
    url = site.start_server()
    port = int(url.rsplit(":", 1)[1])
    stop = threading.Event()
    readers = [Load(port, session, key, stop) for session in sessions]
    try:
        for reader in readers:
            reader.start()
        time.sleep(BEFORE)
        restart_began = time.monotonic()
        server.restart()
        back = time.monotonic()
        time.sleep(AFTER)
    finally:
        stop.set()
        for reader in readers:
            reader.join(timeout=20)
        site.stop()

    results = sorted(r for reader in readers for r in reader.results)
    statuses = Counter(f"{what} {status}" for _at, what, status, _body, _retry in results)
    unavailable = [r for r in results if r[2] == 503]
    failed = [r for r in results if r[2] not in (200, 302, 503)]
    last_failure = max((r[0] for r in results if r[2] != 200 and r[2] != 302), default=back)
    healed_after = max(0.0, last_failure - back)
    print(
        f"\nPostgreSQL restart took {back - restart_began:.1f} s; {len(results)} requests: "
        f"{dict(statuses)}; the last failure {healed_after:.1f} s after the server was back"
    )
    assert not failed, [(what, status, body[:300]) for _at, what, status, body, _r in failed]
    assert unavailable, "no request was in flight during the restart"
    for _at, what, _status, body, retry_after in unavailable:
        assert retry_after == "5"
        assert b"Traceback" not in body
        if what == "api":
            assert b'"code": "unavailable"' in body or b'"code":"unavailable"' in body
        else:
            assert "Kurz nicht erreichbar" in body.decode(), body[:300]
    assert healed_after < 5.0, "the app did not recover by itself within seconds"
    assert statuses["post 302"] > 0
