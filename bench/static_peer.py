"""The first page over HTTP next to nginx serving the same bytes as a static file.

`run(row, remaining)` (called by bench/run.py) or standalone:
`.venv/bin/python bench/static_peer.py`.
Starts one uvicorn process (as bench/live.py does) on a temporary SQLite file with an article of
BENCH_STATIC_COMMENTS (100) comments, fetches its page once, writes those bytes to a file that an
nginx process started here serves, then times both with the same client: sequential GETs over one
keep-alive connection each, BENCH_STATIC_REQUESTS (400) per server, median and requests per
second. Debatte answers anonymous readers from its version-keyed response cache (the first request
renders; the rest are hits until a change). Traffic goes to 127.0.0.1 only; both servers are
stopped by their PIDs. Without nginx installed (Debian: nginx-light) the row says so.
"""

import http.client
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import live

KEY = "bench-static"
Row = Callable[..., None]

NGINX_CONF = """
worker_processes 1;
daemon off;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {workdir}/nginx-body;
    proxy_temp_path {workdir}/nginx-proxy;
    fastcgi_temp_path {workdir}/nginx-fastcgi;
    uwsgi_temp_path {workdir}/nginx-uwsgi;
    scgi_temp_path {workdir}/nginx-scgi;
    default_type text/html;
    server {{
        listen 127.0.0.1:{port};
        root {workdir}/www;
    }}
}}
"""


def setup_code(comments: int) -> str:
    return (
        "from debatte.accounts.models import User\n"
        "from debatte.articles.models import Article, Site\n"
        "from debatte.discussions.services.posting import post_comment\n"
        "site = Site.objects.create(name='Bench', slug='bench-static', rate_limit_per_minute=0)\n"
        f"article = Article.objects.create(site=site, key='{KEY}', title='Bench static',"
        " lead='Vorspann.')\n"
        "readers = [User.objects.create(email=f'l{i}@bench.example',"
        " display_name=f'Leser {i}', password='!') for i in range(20)]\n"
        f"for i in range({comments}):\n"
        "    post_comment(article, author=readers[i % 20],"
        " body=f'Kommentar {i}: ' + 'ein Satz mit ein paar Worten. ' * (3 + i % 7))\n"
    )


def timed_gets(port: int, path: str, requests: int) -> tuple[float, float, int]:
    """Median ms per request, requests per second, bytes of the last body (one connection)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    timings = []
    size = 0
    began = time.perf_counter()
    for _ in range(requests):
        started = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        timings.append(time.perf_counter() - started)
        if response.status != 200:
            raise RuntimeError(f"GET {path} on port {port}: HTTP {response.status}")
        size = len(body)
    elapsed = time.perf_counter() - began
    connection.close()
    return statistics.median(timings) * 1000, requests / elapsed, size


def start_nginx(workdir: Path, port: int) -> subprocess.Popen[bytes]:
    conf = workdir / "nginx.conf"
    conf.write_text(NGINX_CONF.format(workdir=workdir, port=port))
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    return subprocess.Popen([nginx, "-c", str(conf), "-p", str(workdir)], stdout=subprocess.DEVNULL)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def run(row: Row, remaining: Callable[[], float]) -> None:
    print("6. The first page over HTTP next to nginx serving the same bytes", flush=True)
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        row(
            "nginx serving the same bytes as a static file",
            "not measured",
            "nginx is not installed (Debian: apt-get install nginx-light)",
        )
        return
    if remaining() < 60:
        row("nginx serving the same bytes as a static file", "skipped", "out of time")
        return
    comments = int(os.environ.get("BENCH_STATIC_COMMENTS", "100"))
    requests = int(os.environ.get("BENCH_STATIC_REQUESTS", "400"))
    workdir = Path(tempfile.mkdtemp(prefix="debatte-bench-static-"))
    (workdir / "www").mkdir()
    os.chmod(workdir, 0o755)  # noqa: S103 - nginx's worker may run as another user
    app_port, nginx_port = live.free_port(), live.free_port()
    path = f"/artikel/{KEY}/"
    live.SETUP = setup_code(comments)  # the article the server starts with
    server = live.start_server(workdir, app_port)
    nginx = None
    try:
        live.wait_until_serving(app_port, server, timeout=30)
        first_ms, _rps, size = timed_gets(app_port, path, 1)
        connection = http.client.HTTPConnection("127.0.0.1", app_port, timeout=10)
        connection.request("GET", path)
        page = connection.getresponse().read()
        connection.close()
        (workdir / "www" / "page.html").write_bytes(page)
        nginx = start_nginx(workdir, nginx_port)
        live.wait_until_serving(nginx_port, nginx, timeout=10)
        debatte_ms, debatte_rps, _ = timed_gets(app_port, path, requests)
        nginx_ms, nginx_rps, nginx_size = timed_gets(nginx_port, "/page.html", requests)
    finally:
        if nginx is not None:
            stop(nginx)
        stop(server)
        shutil.rmtree(workdir, ignore_errors=True)
    row(
        f"first page over HTTP, {comments} comments: Debatte (uvicorn, one process)",
        f"{debatte_ms:.2f} ms",
        f"median of {requests} on one keep-alive connection, {debatte_rps:,.0f} requests/s; "
        f"{size:,} bytes; the first (rendering) request {first_ms:.1f} ms",
    )
    row(
        "the same bytes as a static file: nginx (one worker)",
        f"{nginx_ms:.2f} ms",
        f"{nginx_rps:,.0f} requests/s; {nginx_size:,} bytes",
    )
    row(
        "first page: Debatte / nginx",
        f"{debatte_ms / nginx_ms:.1f}x",
        "per request, same client, same machine, same run",
    )


if __name__ == "__main__":
    began = time.monotonic()

    def print_row(measure: str, value: str, note: str = "") -> None:
        print(f"  {measure}: {value}  {note}".rstrip(), flush=True)

    run(print_row, lambda: 120 - (time.monotonic() - began))
    print(f"total time {time.monotonic() - began:.0f} s")
    sys.exit(0)
