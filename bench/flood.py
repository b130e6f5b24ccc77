"""A flood from one client beside 32 readers: the flood is throttled, the readers barely notice.

`.venv/bin/python bench/flood.py` (and at the end of `make bench`; BENCH_FLOOD=0 skips it there).
Starts `debatte serve --workers 2` on 127.0.0.1 with a temporary migrated SQLite file and one
seeded discussion, at the default request budgets (core/request_throttle.py: 600 reads a
minute per client address, counted per worker process without REDIS_URL; with REDIS_URL set
they count in Redis under a prefix of their own). Then, each bounded to --duration (10) seconds:

1. 32 readers alone: `wrk -t2 -c32` on the article page, each request from its own address
   (X-Forwarded-For, the server trusting 127.0.0.1 as its proxy), so no reader is throttled;
2. the same readers while one client (one address) sends --flood (10,000) requests in those
   seconds, paced evenly over 8 pipelined connections from a separate process.

Prints the flood's requests sent and answered 429, the readers' p99 without and with the
flood, their ratio, and PASS when it is within 2x. Every request goes to 127.0.0.1; the
forwarded addresses are only header values. The server is stopped by its PID at the end.
"""

import argparse
import asyncio
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import SplitResult, urlsplit

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE / "httpbench")]

import servers  # noqa: E402 - bench/httpbench: start, wait and stop servers on loopback
import wrk  # noqa: E402

KEY = "bench-flood"
FLOOD_ADDRESS = "127.255.255.1"  # the flooding client, as its proxy forwards it
FLOOD_CONNECTIONS = 8
GOAL = 2.0  # the readers' p99 with the flood within twice their p99 without
SETUP = f"""
from debatte.accounts.models import User
from debatte.articles.models import Article, Site, default_site_id
from debatte.discussions.services import post_comment
Site.objects.filter(pk=default_site_id()).update(rate_limit_per_minute=0)
article = Article.objects.create(key="{KEY}", title="Flut", lead="Vorspann.")
readers = [
    User.objects.create(email=f"flut{{n}}@bench.example", display_name=f"Leserin {{n}}")
    for n in range(5)
]
for n in range(30):
    post_comment(article, author=readers[n % 5], body=f"Kommentar Nummer {{n}} zur Flut.")
"""
# Each request from another reader: an address of its own (only a header value).
READERS_SCRIPT = """
local n = 0
request = function()
  n = n + 1
  local address = string.format("127.%d.%d.%d", math.random(1, 254), math.random(0, 255),
                                math.random(1, 254))
  return wrk.format("GET", nil, {["X-Forwarded-For"] = address})
end
"""


def flood(url: str, total: int, seconds: float) -> dict[str, object]:
    """Send `total` GETs to `url` from one address, evenly paced over `seconds`."""
    return asyncio.run(_flood(urlsplit(url), total, seconds))


async def read_response(reader: asyncio.StreamReader) -> str:
    """Read one HTTP/1.1 response (Content-Length or chunked); its status code."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
    if length:
        await reader.readexactly(int(length.group(1)))
    elif re.search(rb"(?i)\r\ntransfer-encoding: *chunked", head):
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)  # the chunk and its CRLF (no trailers)
            if size == 0:
                break
    return head.split(b" ", 2)[1].decode()


async def _flood(url: SplitResult, total: int, seconds: float) -> dict[str, object]:
    # Sent on schedule whatever the server answers (HTTP/1.1 pipelining on a few connections):
    # a client waiting for each answer would send only as fast as the server answers.
    request = (
        f"GET {url.path} HTTP/1.1\r\nHost: {url.netloc}\r\n"
        f"X-Forwarded-For: {FLOOD_ADDRESS}\r\nUser-Agent: flood\r\n\r\n"
    ).encode()
    statuses: Counter[str] = Counter()
    sent = 0
    started = time.monotonic()
    deadline = started + seconds

    async def send(writer: asyncio.StreamWriter, first: int) -> int:
        count = 0
        for n in range(first, total, FLOOD_CONNECTIONS):
            pause = started + n * seconds / total - time.monotonic()
            if pause > 0:
                await asyncio.sleep(pause)
            if time.monotonic() >= deadline:
                break
            writer.write(request)
            count += 1
        await writer.drain()
        return count

    async def receive(reader: asyncio.StreamReader, answered: list[int]) -> None:
        while True:
            statuses[await read_response(reader)] += 1
            answered[0] += 1

    async def connection(first: int) -> None:
        nonlocal sent
        reader, writer = await asyncio.open_connection(url.hostname, url.port)
        answered = [0]
        receiving = asyncio.create_task(receive(reader, answered))
        try:
            mine = await send(writer, first)
            sent += mine
            # The answers still owed, for as long as the flood lasted at most.
            owed = time.monotonic() + seconds
            while answered[0] < mine and time.monotonic() < owed and not receiving.done():
                await asyncio.sleep(0.05)
        except OSError as error:
            statuses[type(error).__name__] += 1
        finally:
            receiving.cancel()
            writer.close()

    await asyncio.gather(*(connection(first) for first in range(FLOOD_CONNECTIONS)))
    return {
        "sent": sent,
        "answered": sum(statuses.values()),
        "seconds": round(time.monotonic() - started, 2),
        "statuses": dict(statuses),
    }


def start(workdir: Path) -> servers.Server:
    database = f"sqlite:///{workdir / 'flood.sqlite3'}"
    env = servers.debatte_env(workdir, database, {})
    # The defaults of core/request_throttle.py are what is measured here.
    for name in ("DEBATTE_REQUESTS_PER_MINUTE_READ", "DEBATTE_REQUESTS_PER_MINUTE_WRITE"):
        env.pop(name, None)
    if os.environ.get("REDIS_URL"):
        env["REDIS_URL"] = os.environ["REDIS_URL"]
        env["DEBATTE_CACHE_PREFIX"] = f"bench-flood-{uuid.uuid4().hex[:8]}"
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "-v0"], ["shell", "-c", SETUP]):
        subprocess.run([*manage, *command], cwd=ROOT, env=env, check=True, timeout=300)
    port = servers.free_port()
    command = servers.serve_command(port, 2) + ["--max-requests", "0", "--no-access-log"]
    log = workdir / "serve.log"
    process = servers.popen(command, env, log)
    server = servers.Server("debatte", port, process, log)
    servers.wait_ready(f"{server.base}/artikel/{KEY}/", process, timeout=120)
    return server


def readers(url: str, duration: int, script: Path) -> wrk.Result:
    if shutil.which("wrk"):
        return wrk.run(url, connections=32, duration=duration, script=script)
    return python_readers(url, duration)


def python_readers(url: str, duration: int, connections: int = 32) -> wrk.Result:
    """Without wrk: 32 threads, each a keep-alive connection and a new address per request."""
    parts = urlsplit(url)
    latencies: list[float] = []
    bad = errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + duration

    def loop(reader: int) -> None:
        nonlocal bad, errors
        mine: list[float] = []
        my_bad = my_errors = n = 0
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
        while time.monotonic() < deadline:
            n += 1
            address = f"127.{1 + reader}.{n // 250 % 250}.{1 + n % 250}"
            started = time.perf_counter()
            try:
                connection.request("GET", parts.path, headers={"X-Forwarded-For": address})
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                my_errors += 1
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname or "", parts.port)
                continue
            mine.append((time.perf_counter() - started) * 1000)
            my_bad += not 200 <= response.status < 400
        connection.close()
        with lock:
            latencies.extend(mine)
            bad, errors = bad + my_bad, errors + my_errors

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    p = (
        (lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))])
        if latencies
        else (lambda q: float("nan"))
    )
    return wrk.Result(
        rps=len(latencies) / duration,
        p50_ms=p(0.50),
        p99_ms=p(0.99),
        requests=len(latencies),
        bad_status=bad,
        errors=errors,
        seconds=float(duration),
    )


def measure(server: servers.Server, duration: int, total: int, workdir: Path) -> dict[str, object]:
    url = f"{server.base}/artikel/{KEY}/"
    script = workdir / "readers.lua"
    script.write_text(READERS_SCRIPT)
    readers(url, 3, script)  # warm both workers and the page cache
    servers.wait_idle(server, timeout=10)
    alone = readers(url, duration, script)
    servers.wait_idle(server, timeout=10)
    flooding = subprocess.Popen(
        [sys.executable, __file__, "--flood-only", url, str(total), str(duration)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        beside = readers(url, duration, script)
        out, _ = flooding.communicate(timeout=duration + 60)
    finally:
        if flooding.poll() is None:
            flooding.kill()
            flooding.wait()
    return {"alone": alone, "beside": beside, "flood": json.loads(out.strip().splitlines()[-1])}


def report(figures: dict[str, object], total: int, duration: int) -> tuple[str, list[tuple]]:
    alone: wrk.Result = figures["alone"]  # type: ignore[assignment]
    beside: wrk.Result = figures["beside"]  # type: ignore[assignment]
    flooded: dict = figures["flood"]  # type: ignore[type-arg, assignment]
    statuses = flooded["statuses"]
    ratio = beside.p99_ms / alone.p99_ms if alone.p99_ms else float("nan")
    verdict = "PASS" if ratio <= GOAL else "SHORT"
    answered = flooded["answered"]
    rows = [
        (
            f"flood: one client, {total:,} requests in {duration} s",
            f"{flooded['sent']:,} sent",
            f"answered 429: {statuses.get('429', 0):,}, 200: {statuses.get('200', 0):,}, "
            f"other: {answered - statuses.get('429', 0) - statuses.get('200', 0)}, "
            f"unanswered: {flooded['sent'] - answered:,} (after {flooded['seconds']} s)",
        ),
        (
            "flood: 32 readers' p99 without the flood",
            f"{alone.p99_ms:.1f} ms",
            f"{alone.rps:.0f} req/s, non-2xx {alone.bad_status}, errors {alone.errors}",
        ),
        (
            "flood: 32 readers' p99 with the flood",
            f"{beside.p99_ms:.1f} ms",
            f"{beside.rps:.0f} req/s, non-2xx {beside.bad_status}, errors {beside.errors}",
        ),
        (
            "flood: readers' p99 with / without",
            f"{ratio:.2f}x",
            f"{verdict} (goal: within {GOAL:.0f}x)",
        ),
    ]
    return verdict, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--flood", type=int, default=10_000)
    parser.add_argument("--flood-only", nargs=3, metavar=("URL", "TOTAL", "SECONDS"))
    args = parser.parse_args(argv)
    if args.flood_only:
        url, total, seconds = args.flood_only
        assert url.startswith("http://127.0.0.1:"), url
        print(json.dumps(flood(url, int(total), float(seconds))), flush=True)
        return 0
    print("Flood: one client beside 32 readers (bench/flood.py)", flush=True)
    if shutil.which("wrk") is None:
        print("  wrk is not installed: readers are Python threads (apt-get install wrk)")
    workdir = Path(tempfile.mkdtemp(prefix="debatte-flood-"))
    server = None
    try:
        server = start(workdir)
        figures = measure(server, args.duration, args.flood, workdir)
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    _verdict, rows = report(figures, args.flood, args.duration)
    width = max(len(measure) for measure, _, _ in rows)
    for measure_name, value, note in rows:
        print(f"  {measure_name:<{width}}  {value:>12}  {note}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
