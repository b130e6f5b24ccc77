"""Helpers for the live-update tests (used as fixtures by conftest.py): uvicorn app servers on
free 127.0.0.1 ports sharing one migrated SQLite file, optionally fanning out through Redis."""

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
REDIS_TEST_URL = os.environ.get("DEBATTE_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")
ARTICLE_KEYS = 20  # articles live-0 ... live-19, one per test of a module

SETUP = """
from django.test import Client
from debatte.accounts.models import User
from debatte.articles.models import Article, Site, default_site_id
Site.objects.filter(pk=default_site_id()).update(rate_limit_per_minute=0)
for n in range(%(articles)d):
    Article.objects.create(key=f"live-{n}", title=f"Live-Artikel {n}", lead="Vorspann.")
for n, name in enumerate(["Autorin Eins", "Leser Zwei"]):
    user = User.objects.create_user(
        email=f"live{n}@example.org", password="a-long-test-password", display_name=name
    )
    client = Client()
    client.force_login(user)
    print("SESSION", client.cookies["sessionid"].value)
"""


def services_required() -> bool:
    return os.environ.get("DEBATTE_REQUIRE_SERVICES") == "1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def require_redis() -> str:
    """The real Redis on 127.0.0.1:6379 (skipped when absent, unless services are required)."""
    import redis

    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        message = f"Redis at {REDIS_TEST_URL} is not reachable ({error})"
        if services_required():
            pytest.fail(f"{message}; DEBATTE_REQUIRE_SERVICES=1 requires it")
        pytest.skip(f"{message}; set DEBATTE_REQUIRE_SERVICES=1 to make this a failure")
    return REDIS_TEST_URL


@pytest.fixture
def redis_url() -> str:
    return require_redis()


@dataclass
class Installation:
    """One database and the app servers that share it."""

    workdir: Path
    env: dict[str, str]
    sessions: list[str] = field(default_factory=list)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    keys: Iterator[str] = field(default_factory=lambda: iter(f"live-{n}" for n in range(20)))

    def with_env(self, **env: str) -> "Installation":
        """The same database, served by new servers with `env` added."""
        return Installation(self.workdir, {**self.env, **env}, self.sessions, keys=self.keys)

    def article_key(self) -> str:
        return next(self.keys)

    def start_server(self, **extra_env: str) -> str:
        port = free_port()
        log = (self.workdir / f"uvicorn-{port}.log").open("wb")
        process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "uvicorn",
                "config.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--lifespan",
                "off",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env={**self.env, **extra_env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        url = f"http://127.0.0.1:{port}"
        wait_until_serving(url, process)
        self.urls.append(url)
        return url

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_until_serving(url: str, process: subprocess.Popen[bytes], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    host, port = url.removeprefix("http://").split(":")
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app server on {url} exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection(host, int(port), timeout=2)
            connection.request("GET", "/healthz-probe/")
            connection.getresponse().read()
            connection.close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the app server on {url} did not start in {timeout} s")


def make_installation(workdir: Path, **env: str) -> Installation:
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "static").mkdir(exist_ok=True)
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DEBATTE_", "REDIS_", "DATABASE_", "DJANGO_"))
    }
    base.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": f"sqlite:///{workdir / 'debatte.sqlite3'}",
            "DEBATTE_DATA_DIR": str(workdir),
            "DEBATTE_PLAIN_STATIC": "1",
            "DEBATTE_SECRET_KEY": "live-test-" + uuid.uuid4().hex,
            # A Redis shared by test runs: a fresh prefix, so no run sees another's pages.
            "DEBATTE_CACHE_PREFIX": "debatte-test-" + uuid.uuid4().hex[:12],
            "DEBATTE_LOG_LEVEL": "WARNING",
            "DEBATTE_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "DEBATTE_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            **env,
        }
    )
    manage = [PYTHON, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=base, check=True, timeout=120)
    subprocess.run(  # WhiteNoise serves live.js from STATIC_ROOT when DEBUG is off
        [*manage, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=base, check=True, timeout=120
    )
    done = subprocess.run(
        [*manage, "shell", "-c", SETUP % {"articles": ARTICLE_KEYS}],
        cwd=ROOT,
        env=base,
        check=True,
        timeout=60,
        capture_output=True,
    )
    sessions = re.findall(r"SESSION (\S+)", done.stdout.decode())
    return Installation(workdir=workdir, env=base, sessions=sessions)


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Installation:
    """One migrated SQLite file per test module (migrating takes seconds)."""
    return make_installation(tmp_path_factory.mktemp("live"))


@pytest.fixture
def installation(database: Installation) -> Iterator[Callable[..., Installation]]:
    """`installation(**env)`: app servers on the module's database, stopped after the test."""
    made: list[Installation] = []

    def make(**env: str) -> Installation:
        made.append(database.with_env(**env))
        return made[-1]

    yield make
    for each in made:
        each.stop()


SITE = """
import json
from debatte.articles.models import Site
Site.objects.create(**json.loads(%(fields)r))
"""


def create_site(installation: Installation, **fields: str | int | bool) -> None:
    """A Site (an embedding publisher) in the installation's database, seeded like SETUP."""
    subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), "shell", "-c", SITE % {"fields": json.dumps(fields)}],
        cwd=ROOT,
        env=installation.env,
        check=True,
        timeout=60,
        capture_output=True,
    )


def channel_prefix() -> str:
    return f"debatte-test-{uuid.uuid4().hex[:12]}"


# --- HTTP as a reader ------------------------------------------------------------------------


class Reader:
    """A logged-in reader talking plain HTTP to one app server."""

    def __init__(self, url: str, session: str) -> None:
        host, port = url.removeprefix("http://").split(":")
        self.host, self.port = host, int(port)
        self.cookies = {"sessionid": session}

    def request(
        self, method: str, path: str, data: dict[str, str] | None = None, **headers: str
    ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=10)
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        sent = {"Cookie": cookie, **headers}
        body = None
        if data is not None:
            body = urlencode(data)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            parsed: SimpleCookie = SimpleCookie(header)
            self.cookies.update({name: morsel.value for name, morsel in parsed.items()})
        connection.close()
        return response.status, dict(response.headers), content

    def post_comment(self, article_key: str, text: str) -> int:
        status, _headers, page = self.request("GET", f"/artikel/{article_key}/")
        assert status == 200, status
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token is not None
        status, _headers, _body = self.request(
            "POST",
            f"/artikel/{article_key}/kommentieren/",
            {"body": text, "csrfmiddlewaretoken": token.group(1).decode()},
        )
        return status

    def recommend(self, article_key: str, label: str) -> dict[str, Any]:
        self.request("GET", f"/artikel/{article_key}/")
        status, _headers, body = self.request(
            "POST",
            f"/artikel/{article_key}/kommentar/{label}/empfehlen/",
            {},
            Accept="application/json",
        )
        assert status == 200, (status, body[:300])
        return dict(json.loads(body))


class EventStream:
    """A minimal server-sent-events client with bounded waits."""

    def __init__(self, url: str, path: str, **headers: str) -> None:
        host, port = url.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=5)
        self.connection.request("GET", path, headers={"Accept": "text/event-stream", **headers})
        self.response = self.connection.getresponse()
        self.status = self.response.status
        self.comments: list[str] = []

    def next_event(self, timeout: float = 3.0) -> dict[str, Any] | None:
        """The next event (id, event, data as JSON), or None when the stream ended."""
        assert self.connection.sock is not None
        self.connection.sock.settimeout(timeout)
        event: dict[str, Any] = {}
        while True:
            line = self.response.readline()
            if not line:
                return None
            text = line.decode().rstrip("\r\n")
            if not text:
                if "data" in event:
                    event["data"] = json.loads(event["data"])
                    return event
                event = {}
                continue
            name, _sep, value = text.partition(":")
            if name == "":
                self.comments.append(value.strip())
            else:
                event[name] = value.lstrip(" ")

    def close(self) -> None:
        self.connection.close()
