"""`debatte serve` as production runs it: supervised workers, recycling, SIGHUP, shared metrics."""

import http.client
import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from live_servers import PYTHON, ROOT, Installation, free_port, make_installation

ARTICLE = "/artikel/live-0/"


@pytest.fixture(scope="module")
def sqlite_site(tmp_path_factory: pytest.TempPathFactory) -> Installation:
    return make_installation(tmp_path_factory.mktemp("serve"))


def start_serve(site: Installation, *flags: str, **env: str) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    log = (site.workdir / f"serve-{port}.log").open("wb")
    process = subprocess.Popen(
        [PYTHON, str(ROOT / "manage.py"), "serve", "--port", str(port), *flags],
        cwd=ROOT,
        env={**site.env, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, (site.workdir / f"serve-{port}.log").read_text()
        try:
            if get(port, "/healthz")[0] == 200:
                return process, port
        except OSError:
            time.sleep(0.2)
    raise AssertionError("debatte serve did not start in 60 s")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def get(port: int, path: str) -> tuple[int, bytes]:
    # Generous: while both workers are being replaced a request waits in the listen backlog
    # until a new worker has loaded Django (seconds on a busy machine), and is then answered.
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=90)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def get_as_a_proxy_would(port: int, path: str) -> int:
    """A GET that the server closed without a byte of answer is sent once more, as nginx does
    (`proxy_next_upstream error`, its default; deploy/nginx.conf): an old worker that accepted
    the connection in the instant it began to stop closes it unread (uvicorn's shutdown closes
    connections with no request in progress). Any answer, and any second failure, counts."""
    try:
        return get(port, path)[0]
    except http.client.RemoteDisconnected:
        return get(port, path)[0]


def children(pid: int) -> set[int]:
    """The worker processes under `pid` (multiprocessing's resource tracker left out)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == pid and b"spawn_main" in command:
            found.add(int(stat.parent.name))
    return found


def requests_counted(port: int) -> float:
    status, body = get(port, "/metrics")
    assert status == 200
    pattern = rb'debatte_http_requests_total\{method="GET",status="200",view="article"\} (\S+)'
    return sum(float(value) for value in re.findall(pattern, body))


@pytest.fixture
def served(
    sqlite_site: Installation, request: pytest.FixtureRequest
) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    process, port = start_serve(sqlite_site, *request.param)
    yield process, port
    stop(process)


def test_recycled_workers_are_replaced_and_their_metrics_still_count(sqlite_site) -> None:
    metrics = sqlite_site.workdir / "metrics-recycled"
    metrics.mkdir()  # as systemd's RuntimeDirectory would be
    flags = ("--workers", "2", "--max-requests", "10", "--max-requests-jitter", "0")
    process, port = start_serve(sqlite_site, *flags, PROMETHEUS_MULTIPROC_DIR=str(metrics))
    try:
        assert len(children(process.pid)) >= 2
        statuses = [get(port, ARTICLE)[0] for _request in range(45)]
        assert statuses == [200] * 45
        # Each worker served at most 10 requests: the 45 were served by at least 5 processes,
        # and a scrape of any worker adds up all of them, the replaced ones included.
        assert requests_counted(port) >= 45
        # Replaced workers' live gauges (open streams) no longer count, once the supervisor
        # has noticed (it looks every half second, and waits for new workers to answer).
        deadline = time.monotonic() + 60
        while True:
            live = {int(path.stem.rsplit("_", 1)[1]) for path in metrics.glob("gauge_live*.db")}
            if live <= children(process.pid) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert live <= children(process.pid), (live, children(process.pid))
    finally:
        stop(process)


@pytest.mark.parametrize("served", [("--workers", "2")], indirect=True)
def test_sighup_replaces_every_worker_while_requests_keep_being_answered(served) -> None:
    process, port = served
    before = children(process.pid)
    os.kill(process.pid, signal.SIGHUP)
    statuses = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        statuses.append(get_as_a_proxy_would(port, ARTICLE))
        workers = children(process.pid)
        if len(workers) >= 2 and not workers & before:
            break
    assert not children(process.pid) & before, "the old workers are still running"
    assert set(statuses) == {200}


def test_a_configured_metrics_directory_is_emptied_at_start(sqlite_site) -> None:
    stale = sqlite_site.workdir / "metrics"
    stale.mkdir(exist_ok=True)
    (stale / "counter_1.db").write_bytes(b"left over from the last run")
    process, port = start_serve(sqlite_site, PROMETHEUS_MULTIPROC_DIR=str(stale))
    try:
        assert not (stale / "counter_1.db").exists()
        assert get(port, "/metrics")[0] == 200
        assert list(stale.glob("*.db")), "the workers keep their metrics there"
    finally:
        stop(process)
    assert process.returncode == 0
