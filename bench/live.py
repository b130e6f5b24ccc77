"""Live updates: how many idle server-sent-event streams one app server process holds.

`run(row, remaining)` (called by bench/run.py) or standalone: `.venv/bin/python bench/live.py`.
Starts one uvicorn process (config.asgi:application, in-process broker) on a temporary migrated
SQLite file, opens idle SSE connections to one discussion from this process with asyncio streams
in batches up to BENCH_LIVE_CONNECTIONS (5,000), checks that every stream is open (its first
bytes arrived), times a normal article page while they are all held, and reports the number held
and the server's resident memory. Bounded to BENCH_LIVE_SECONDS (80) and never more than
remaining() allows; traffic goes to 127.0.0.1 only.
"""

import asyncio
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KEY = "bench-live"
BATCH = 250
SETUP = (
    "from debatte.articles.models import Article; "
    f"Article.objects.create(key='{KEY}', title='Bench live', lead='Vorspann.')"
)

Row = Callable[..., None]


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def threads(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    return -1


def raise_fd_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(workdir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DEBATTE_", "REDIS_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"sqlite:///{workdir / 'live.sqlite3'}",
        DEBATTE_DATA_DIR=str(workdir),
        DEBATTE_PLAIN_STATIC="1",
        DEBATTE_LOG_LEVEL="WARNING",
        DEBATTE_LIVE_MAX_CONNECTIONS="100000",
        DEBATTE_REQUESTS_PER_MINUTE_READ="0",  # thousands of streams from one address
    )
    (workdir / "static").mkdir(exist_ok=True)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=120)
    subprocess.run([*manage, "shell", "-c", SETUP], cwd=ROOT, env=env, check=True, timeout=60)
    command = [sys.executable, "-m", "uvicorn", "config.asgi:application"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--lifespan", "off"]
    command += ["--log-level", "warning", "--backlog", "4096"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)


async def open_stream(port: int) -> asyncio.StreamWriter | None:
    """One idle SSE connection, returned once its first bytes arrived (None on failure)."""
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            f"GET /live/{KEY}/ereignisse/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Accept: text/event-stream\r\n\r\n".encode()
        )
        head = await asyncio.wait_for(reader.readuntil(b": open"), timeout=20)
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError):
        return None
    if not head.startswith(b"HTTP/1.1 200"):
        writer.close()
        return None
    writer.transport.pause_reading()  # idle: the client does not even read heartbeats
    return writer


async def page_ms(port: int, runs: int = 7) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            f"GET /artikel/{KEY}/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
        )
        body = await asyncio.wait_for(reader.read(), timeout=10)
        assert body.startswith(b"HTTP/1.1 200"), body[:80]
        writer.close()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


async def ramp(port: int, target: int, deadline: float) -> tuple[list[asyncio.StreamWriter], int]:
    held: list[asyncio.StreamWriter] = []
    failed = 0
    while len(held) < target and time.monotonic() < deadline:
        batch = min(BATCH, target - len(held))
        opened = await asyncio.gather(*(open_stream(port) for _ in range(batch)))
        held += [writer for writer in opened if writer is not None]
        failed += sum(writer is None for writer in opened)
        if failed > target // 20:
            break
    return held, failed


async def measure(row: Row, port: int, pid: int, target: int, budget: float) -> None:
    idle_page = await page_ms(port)
    rss_before = rss_mib(pid)
    started = time.monotonic()
    held, failed = await ramp(port, target, started + budget * 0.6)
    ramp_s = time.monotonic() - started
    await asyncio.sleep(1)
    rss_after = rss_mib(pid)
    busy_page = await page_ms(port)
    per_connection = (rss_after - rss_before) * 1024 / max(len(held), 1)
    row(
        "live: idle SSE connections held by one uvicorn process",
        f"{len(held):,}",
        f"of {target:,} tried ({failed} failed) in {ramp_s:.1f} s; all open at once",
    )
    row(
        "live: server memory (RSS) with those connections",
        f"{rss_after:.0f} MiB",
        f"{rss_before:.0f} MiB before: about {per_connection:.0f} KiB per connection;"
        f" {threads(pid)} threads",
    )
    row(
        "live: article page while they are held",
        f"{busy_page:.1f} ms",
        f"median of 7 over HTTP; {idle_page:.1f} ms with no streams open",
    )
    for writer in held:
        writer.close()


def run(row: Row, remaining: Callable[[], float]) -> None:
    print("5. Live updates: idle event streams on one app server", flush=True)
    budget = min(float(os.environ.get("BENCH_LIVE_SECONDS", "80")), remaining() - 10)
    if budget < 30:
        row("live: idle SSE connections", "skipped", "out of time")
        return
    target = int(os.environ.get("BENCH_LIVE_CONNECTIONS", "5000"))
    limit = raise_fd_limit()
    target = min(target, limit - 200)
    workdir = Path(tempfile.mkdtemp(prefix="debatte-bench-live-"))
    port = free_port()
    started = time.monotonic()
    server = start_server(workdir, port)
    try:
        wait_until_serving(port, server, timeout=20)
        left = budget - (time.monotonic() - started) - 5
        asyncio.run(asyncio.wait_for(measure(row, port, server.pid, target, left), left))
    except TimeoutError:
        row("live: idle SSE connections", "not measured", f"took longer than {budget:.0f} s")
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(workdir, ignore_errors=True)


def wait_until_serving(port: int, server: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {server.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("uvicorn did not start")


if __name__ == "__main__":
    began = time.monotonic()

    def print_row(measure: str, value: str, note: str = "") -> None:
        print(f"  {measure}: {value}  {note}".rstrip(), flush=True)

    run(print_row, lambda: 90 - (time.monotonic() - began))
    print(f"total time {time.monotonic() - began:.0f} s")
