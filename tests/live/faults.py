"""Helpers of the fault tests: app servers killed with -9 and restarted on the same port, the
state of a discussion read back from the database, and throwaway Redis and PostgreSQL servers,
a tmpfs: everything started here is stopped here, by process id (the machine's own Redis and
PostgreSQL are never touched)."""

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from live_servers import PYTHON, ROOT, Installation, free_port, services_required

DEADLINE_SECONDS = 55  # every fault test stops itself well inside a minute
# The load of many readers comes from one address here: no per-address request budget
# (core/request_throttle.py), and no full classifier scoring inline (immediate tasks).
LOAD_ENV = {
    "DEBATTE_REQUESTS_PER_MINUTE_READ": "0",
    "DEBATTE_REQUESTS_PER_MINUTE_WRITE": "0",
    "DEBATTE_FULL_SCORER": "",
}


def run_django(env: dict[str, str], code: str, timeout: float = 60) -> Any:
    """Run `code` in `manage.py shell`; it prints `JSON <value>` on its last line."""
    done = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=timeout,
        capture_output=True,
    )
    lines = [line for line in done.stdout.decode().splitlines() if line.startswith("JSON ")]
    assert lines, done.stdout.decode()[-2000:] + done.stderr.decode()[-2000:]
    return json.loads(lines[-1].removeprefix("JSON "))


SESSIONS = """
import json
from django.test import Client
from debatte.accounts.models import User
sessions = []
for n in range(%(count)d):
    user = User(email=f"fault{n}-%(tag)s@example.org", display_name=f"Schreiber %(tag)s {n}")
    user.set_unusable_password()
    user.save()
    client = Client()
    client.force_login(user)
    sessions.append(client.cookies["sessionid"].value)
print("JSON", json.dumps(sessions))
"""


def make_sessions(installation: Installation, count: int) -> list[str]:
    """`count` readers of their own, logged in (their session cookies)."""
    tag = uuid.uuid4().hex[:6]
    return list(run_django(installation.env, SESSIONS % {"count": count, "tag": tag}))


STATE = """
import json
from debatte.articles.models import Article
from debatte.discussions.models import Comment, CommentStatus
article = Article.objects.get(key=%(key)r)
rows = list(Comment.objects.filter(article=article).values_list("number", "reply_number", "body"))
print("JSON", json.dumps({
    "rows": rows,
    "last_comment_number": article.last_comment_number,
    "comment_count": article.comment_count,
    "published": Comment.objects.filter(article=article, status=CommentStatus.PUBLISHED).count(),
}))
"""


@dataclass
class DiscussionState:
    """One discussion as stored: numbers, texts and counters next to a recount."""

    rows: list[tuple[int, int, str]]
    last_comment_number: int
    comment_count: int
    published: int

    @property
    def numbers(self) -> list[int]:
        return sorted(number for number, reply, _body in self.rows if reply == 0)

    def texts(self) -> list[str]:
        return [body for _number, _reply, body in self.rows]


def discussion_state(env: dict[str, str], key: str) -> DiscussionState:
    data = run_django(env, STATE % {"key": key})
    return DiscussionState(
        rows=[tuple(row) for row in data["rows"]],  # type: ignore[misc]
        last_comment_number=data["last_comment_number"],
        comment_count=data["comment_count"],
        published=data["published"],
    )


# --- App servers that can be killed -------------------------------------------------------------


@dataclass
class AppServer:
    """uvicorn with `workers` worker processes in a process group of its own, on a fixed port."""

    env: dict[str, str]
    log_dir: Path
    workers: int = 2
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    kills: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> None:
        log = (self.log_dir / f"app-{self.port}-{self.kills}.log").open("wb")
        self.process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "uvicorn",
                "config.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                str(self.workers),
                "--lifespan",
                "off",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: kill -9 reaches every worker
        )
        wait_for_http(self.url, self.process, timeout)

    def kill(self) -> None:
        """kill -9 of the server and all its workers, as a crash or an OOM killer would."""
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
            self.kills += 1

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def log(self) -> str:
        return "".join(p.read_text(errors="replace") for p in sorted(self.log_dir.glob("app-*")))


def wait_for_http(url: str, process: subprocess.Popen[bytes] | None, timeout: float) -> None:
    host, port = url.removeprefix("http://").split(":")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server on {url} exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection(host, int(port), timeout=2)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            connection.close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the server on {url} did not answer within {timeout} s")


# --- Throwaway servers ----------------------------------------------------------------------


def _require(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        message = f"{tool} is not installed"
        if services_required():
            pytest.fail(f"{message}; DEBATTE_REQUIRE_SERVICES=1 requires it")
        pytest.skip(message)
    return found


@dataclass
class PrivateRedis:
    """A redis-server of this test only (no persistence) that can be stopped and started."""

    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [_require("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--daemonize", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=1) as probe,
            ):
                probe.sendall(b"PING\r\n")
                if probe.recv(16).startswith(b"+PONG"):
                    return
            time.sleep(0.05)
        raise RuntimeError("the private redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@contextlib.contextmanager
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _pg_bin(name: str) -> str:
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not candidates:
        _require(name)
        return name
    return str(candidates[-1])


@dataclass
class PrivatePostgres:
    """A PostgreSQL cluster of this test only, in a temporary directory, on a free port.

    initdb refuses to run as root: as root it runs as the `postgres` system user."""

    directory: Path
    port: int = field(default_factory=free_port)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str, timeout: float = 60) -> None:
        prefix: list[str] = []
        if os.geteuid() == 0:
            prefix = ["runuser", "-u", "postgres", "--"]
        subprocess.run(
            [*prefix, *command], check=True, timeout=timeout, capture_output=True, cwd="/"
        )

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres")
        self._run(_pg_bin("initdb"), "-D", str(self.directory / "data"), "-A", "trust")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            _pg_bin("pg_ctl"), "-D", str(self.directory / "data"), "-o", options,
            "-l", str(self.directory / "server.log"), "-w", "-t", "30", "start",
        )  # fmt: skip

    def restart(self) -> None:
        """`pg_ctl restart -m fast`: clients are disconnected, transactions rolled back."""
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            _pg_bin("pg_ctl"), "-D", str(self.directory / "data"), "-o", options,
            "-l", str(self.directory / "server.log"), "-m", "fast", "-w", "-t", "30", "restart",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run(_pg_bin("pg_ctl"), "-D", str(self.directory / "data"), "-m", mode, "stop")


@contextlib.contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    if shutil.which("runuser") is None and os.geteuid() == 0:
        reason = "initdb cannot run as root and runuser is missing"
        if services_required():
            pytest.fail(f"{reason}; DEBATTE_REQUIRE_SERVICES=1 requires a private PostgreSQL")
        pytest.skip(reason)
    directory = Path(tempfile.mkdtemp(prefix="debatte-pg-"))
    server = PrivatePostgres(directory)
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.stop("immediate")
        shutil.rmtree(directory, ignore_errors=True)


@contextlib.contextmanager
def small_tmpfs(directory: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` mounted on `directory` (needs root; skipped with the reason otherwise)."""
    directory.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(directory)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        reason = f"cannot mount a tmpfs here ({mounted.stderr.strip()}); runs as root in CI"
        if services_required():
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        yield directory
    finally:
        subprocess.run(["umount", "-l", str(directory)], check=False, timeout=30)


# --- Clients ------------------------------------------------------------------------------------


class Deadline:
    """A bound on a whole test, shared by its threads."""

    def __init__(self, seconds: float = DEADLINE_SECONDS) -> None:
        self.ends = time.monotonic() + seconds
        self.stop = threading.Event()

    @property
    def passed(self) -> bool:
        return self.stop.is_set() or time.monotonic() > self.ends
