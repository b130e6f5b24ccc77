"""Real nginx (Debian's nginx-light) with deploy/nginx.conf in front of two `debatte serve`.

The shipped configuration is used as it is, with only its ADJUST lines pointed at this test's
ports and directories (and the real-address lines switched on for 127.0.0.1, standing in for a
CDN, so that a forwarded address can be seen to arrive). The app servers share Redis, and
PostgreSQL (pooled, with the replica router) when the suite runs on it, SQLite otherwise.
"""

import getpass
import http.client
import os
import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from live_servers import (
    PYTHON,
    ROOT,
    EventStream,
    Installation,
    Reader,
    channel_prefix,
    free_port,
    make_installation,
    require_redis,
    services_required,
    wait_until_serving,
)

SHARED_SECONDS = 2


def nginx_binary() -> str:
    found = shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx",) if os.access(path, os.X_OK)), None
    )
    if found is None:
        message = "nginx is not installed (Debian: apt-get install nginx-light; .ci/run does)"
        if services_required():
            pytest.fail(f"{message}; DEBATTE_REQUIRE_SERVICES=1 requires it")
        pytest.skip(f"{message}; set DEBATTE_REQUIRE_SERVICES=1 to make this a failure")
    return found


def site_config(upstreams: list[str], port: int, workdir: Path) -> str:
    """deploy/nginx.conf with its ADJUST lines pointed at this test."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    replacements = [
        ("    server 127.0.0.1:8000;\n", "".join(f"    server {u};\n" for u in upstreams)),
        ("/var/cache/nginx/debatte", str(workdir / "nginx-cache")),
        ("/var/lib/debatte/static/", f"{workdir / 'static'}/"),
        ("    listen 80;\n    listen [::]:80;\n", f"    listen 127.0.0.1:{port};\n"),
        ("    # set_real_ip_from 192.0.2.0/24;\n", "    set_real_ip_from 127.0.0.1;\n"),
        ("    # real_ip_header X-Forwarded-For;\n", "    real_ip_header X-Forwarded-For;\n"),
    ]
    for old, new in replacements:
        assert text.count(old) == 1, f"deploy/nginx.conf no longer has {old!r}"
        text = text.replace(old, new)
    return text


def main_config(site: str, workdir: Path) -> str:
    """What Debian's /etc/nginx/nginx.conf provides around a site, in the test's directory."""
    temp = workdir / "nginx-temp"
    return f"""
user {getpass.getuser()};
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {workdir}/nginx-access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
{site}
}}
"""


@dataclass
class Stack:
    site: Installation
    nginx: str  # http://127.0.0.1:port
    apps: list[str]

    def reader(self, session: str = "", *, direct: int | None = None) -> Reader:
        reader = Reader(self.apps[direct] if direct is not None else self.nginx, session)
        if not session:
            reader.cookies.clear()
        return reader


def start_serve(site: Installation) -> str:
    port = free_port()
    log = (site.workdir / f"serve-{port}.log").open("wb")
    process = subprocess.Popen(
        [PYTHON, str(ROOT / "manage.py"), "serve", "--port", str(port), "--workers", "1"],
        cwd=ROOT,
        env=site.env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    site.processes.append(process)
    url = f"http://127.0.0.1:{port}"
    wait_until_serving(url, process, timeout=60)
    return url


def database_url() -> Iterator[str | None]:
    """A fresh PostgreSQL database when the suite runs on PostgreSQL, else None (SQLite)."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        yield None
        return
    from test_shared_state import postgres_database

    yield from postgres_database()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    binary = nginx_binary()
    redis_url = require_redis()
    database = database_url()
    url = next(database)
    workdir = tmp_path_factory.mktemp("nginx")
    workdir.chmod(0o755)  # nginx's worker reads the static files as this user
    # On PostgreSQL the anonymous pages also read through the replica router (config/routers.py),
    # pointed at the same database.
    databases = {"DATABASE_URL": url, "DATABASE_REPLICA_URL": url} if url else {}
    installation = make_installation(workdir, **databases)
    site = installation.with_env(
        REDIS_URL=redis_url,
        DEBATTE_CACHE_PREFIX=f"t-{uuid.uuid4().hex[:8]}",
        DEBATTE_LIVE_CHANNEL_PREFIX=channel_prefix(),
        DEBATTE_TRUSTED_PROXIES="127.0.0.1",
        DEBATTE_SHARED_CACHE_SECONDS=str(SHARED_SECONDS),
        # The full classifier runs as a task, here in the request (immediate backend): loading
        # its model would take the first post past the test client's timeout.
        DEBATTE_FULL_SCORER="",
    )
    nginx = None
    try:
        apps = [start_serve(site), start_serve(site)]
        port = free_port()
        (workdir / "nginx-temp").mkdir()
        upstreams = [app.removeprefix("http://") for app in apps]
        config = workdir / "nginx.conf"
        config.write_text(main_config(site_config(upstreams, port, workdir), workdir))
        checked = subprocess.run(
            [binary, "-t", "-p", str(workdir), "-c", str(config)], capture_output=True, text=True
        )
        assert checked.returncode == 0, checked.stderr
        nginx = subprocess.Popen(
            [binary, "-p", str(workdir), "-c", str(config), "-g", "daemon off;"],
            stderr=(workdir / "nginx-stderr.log").open("wb"),
        )
        wait_until_serving(f"http://127.0.0.1:{port}", nginx)
        yield Stack(site=site, nginx=f"http://127.0.0.1:{port}", apps=apps)
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait(timeout=10)
        site.stop()
        next(database, None)


def header(headers: dict[str, str], name: str) -> str:
    """A response header by name in any case (uvicorn sends names in lower case)."""
    return next((v for k, v in headers.items() if k.lower() == name.lower()), "")


def cache_status(headers: dict[str, str]) -> str:
    return header(headers, "X-Cache-Status")


def test_anonymous_pages_and_api_lists_come_from_the_proxy_cache(stack: Stack) -> None:
    key = stack.site.article_key()
    anonymous = stack.reader()
    for path in (f"/artikel/{key}/", f"/api/v1/articles/{key}/comments"):
        status, first_headers, first = anonymous.request("GET", path)
        assert status == 200
        assert cache_status(first_headers) == "MISS"
        assert f"s-maxage={SHARED_SECONDS}" in header(first_headers, "Cache-Control")
        status, headers, again = anonymous.request("GET", path)
        assert (status, cache_status(headers)) == (200, "HIT")
        assert again == first


def test_signed_in_pages_are_never_served_from_the_cache_nor_stored(stack: Stack) -> None:
    key = stack.site.article_key()
    signed_in = stack.reader(stack.site.sessions[0])
    for _visit in range(2):
        status, headers, page = signed_in.request("GET", f"/artikel/{key}/")
        assert (status, cache_status(headers)) == (200, "BYPASS")
        assert "private" in header(headers, "Cache-Control")
        assert b"csrfmiddlewaretoken" in page
    # The signed-in visits stored nothing: the first anonymous reader renders afresh.
    status, headers, page = stack.reader().request("GET", f"/artikel/{key}/")
    assert (status, cache_status(headers)) == (200, "MISS")
    assert b"csrfmiddlewaretoken" not in page


def test_a_burst_on_a_new_page_renders_it_once(stack: Stack) -> None:
    key = stack.site.article_key()

    def fetch(_n: int) -> str:
        status, headers, _page = stack.reader().request("GET", f"/artikel/{key}/?burst=1")
        assert status == 200
        return cache_status(headers)

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(fetch, range(8)))
    assert statuses.count("MISS") == 1, statuses


def test_a_new_comment_is_visible_to_anonymous_readers_within_the_cache_period(
    stack: Stack,
) -> None:
    key = stack.site.article_key()
    anonymous = stack.reader()
    anonymous.request("GET", f"/artikel/{key}/")
    _status, headers, _page = anonymous.request("GET", f"/artikel/{key}/")
    assert cache_status(headers) == "HIT"

    writer = stack.reader(stack.site.sessions[0])
    assert writer.post_comment(key, "Frisch hinter nginx.") == 302
    posted = time.monotonic()
    while True:
        _status, headers, page = anonymous.request("GET", f"/artikel/{key}/")
        if "Frisch hinter nginx." in page.decode():
            break
        assert time.monotonic() - posted < SHARED_SECONDS + 1.5, "still the old page"
        time.sleep(0.2)
    assert cache_status(headers) in {"MISS", "EXPIRED", "REVALIDATED", "UPDATING", "STALE"}


def test_the_client_address_nginx_believes_reaches_debatte(stack: Stack) -> None:
    key = stack.site.article_key()
    writer = stack.reader(stack.site.sessions[1])
    forwarded = {"X-Forwarded-For": "203.0.113.77"}
    _status, _headers, page = writer.request("GET", f"/artikel/{key}/", **forwarded)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    status, _headers, _body = writer.request(
        "POST",
        f"/artikel/{key}/kommentieren/",
        {"body": "Adresse bitte.", "csrfmiddlewaretoken": token.group(1).decode()},
        **forwarded,
    )
    assert status == 302
    stored = subprocess.run(
        [
            PYTHON,
            str(ROOT / "manage.py"),
            "shell",
            "-c",
            "from debatte.discussions.models import Comment; "
            f"print(Comment.objects.get(article__key='{key}').ip_address)",
        ],
        cwd=ROOT,
        env=stack.site.env,
        check=True,
        capture_output=True,
        text=True,
    )
    assert stored.stdout.strip().splitlines()[-1] == "203.0.113.77"


def test_live_updates_reach_a_reader_through_nginx_from_both_app_servers(stack: Stack) -> None:
    key = stack.site.article_key()
    stream = EventStream(stack.nginx, f"/live/{key}/ereignisse/?v=0")
    assert stream.status == 200
    for n, direct in enumerate((0, 1)):
        writer = stack.reader(stack.site.sessions[0], direct=direct)
        assert writer.post_comment(key, f"Live über Server {n}.") == 302
        deadline = time.monotonic() + 3
        while True:
            left = deadline - time.monotonic()
            assert left > 0, f"no event for the comment posted on app server {n}"
            event = stream.next_event(timeout=left)
            assert event is not None, "the stream ended early"
            if event["data"].get("type") == "comment.published":
                assert event["data"]["comment"] == f"#{n + 1}"
                break
    stream.close()


def test_static_files_are_served_by_nginx(stack: Stack) -> None:
    connection = http.client.HTTPConnection(stack.nginx.removeprefix("http://"), timeout=10)
    connection.request("GET", "/static/debatte/live.js")
    response = connection.getresponse()
    body = response.read()
    assert response.status == 200
    assert body == (stack.site.workdir / "static" / "debatte" / "live.js").read_bytes()
    # nginx's `expires 1h` (WhiteNoise would say 60 s), and no trip to the app servers.
    assert response.getheader("Cache-Control") == "max-age=3600"
    assert response.getheader("X-Cache-Status") is None
