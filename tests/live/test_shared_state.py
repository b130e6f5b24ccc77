"""Two real app servers on one PostgreSQL and one Redis share every limit and every version.

Each test starts two uvicorn processes (A and B) on a fresh PostgreSQL database and acts on
them over HTTP. With Redis (the production shape) a change or a limit reached through A holds on
B at once; the last test shows what stays per process without Redis (allauth's login
throttle), which is why production needs REDIS_URL when it runs more than one process.
"""

import re
import subprocess
import uuid
from collections.abc import Iterator

import pytest
from live_servers import PYTHON, ROOT, Installation, Reader, make_installation, services_required

PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/test"

ADMIN = """
from django.test import Client
from debatte.accounts.models import User
from debatte.articles.models import Site, default_site_id
admin = User.objects.create_superuser(
    email="admin@example.org", password="an-admin-password-1", display_name="Admin"
)
Site.objects.filter(pk=default_site_id()).update(rate_limit_per_minute=%(rate)d)
client = Client()
client.force_login(admin)
print("ADMIN", client.cookies["sessionid"].value)
"""


def postgres_database() -> Iterator[str]:
    import psycopg

    name = f"debatte_shared_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=2)
    except psycopg.OperationalError as error:
        message = f"PostgreSQL at {PG_ADMIN_URL} is not reachable ({error})"
        if services_required():
            pytest.fail(f"{message}; DEBATTE_REQUIRE_SERVICES=1 requires it")
        pytest.skip(f"{message}; set DEBATTE_REQUIRE_SERVICES=1 to make this a failure")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installation]:
    """One PostgreSQL database for the module, a superuser, the default site at 2 posts/min."""
    database = postgres_database()
    url = next(database)
    installation = make_installation(tmp_path_factory.mktemp("shared"), DATABASE_URL=url)
    done = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), "shell", "-c", ADMIN % {"rate": 2}],
        cwd=ROOT,
        env=installation.env,
        check=True,
        timeout=60,
        capture_output=True,
    )
    admin_session = re.search(r"ADMIN (\S+)", done.stdout.decode())
    assert admin_session is not None
    installation.sessions.append(admin_session.group(1))
    yield installation
    next(database, None)


@pytest.fixture
def servers(shared: Installation, redis_url: str) -> Iterator[tuple[Installation, str, str]]:
    site = shared.with_env(
        REDIS_URL=redis_url,
        DEBATTE_CACHE_PREFIX=f"t-{uuid.uuid4().hex[:8]}",
        # Each test posts from its own address (the per-address limit is per site and minute).
        DEBATTE_TRUSTED_PROXIES="127.0.0.1",
    )
    first, second = site.start_server(), site.start_server()
    yield site, first, second
    site.stop()


def csrf_token(page: bytes) -> str:
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None, page[:500]
    return token.group(1).decode()


def log_in(url: str, email: str, password: str) -> str:
    """Try to log in: "throttled", "refused" (wrong password) or "in"."""
    reader = Reader(url, "")
    reader.cookies.pop("sessionid")
    _status, _headers, page = reader.request("GET", "/konto/login/")
    status, _headers, body = reader.request(
        "POST",
        "/konto/login/",
        {"login": email, "password": password, "csrfmiddlewaretoken": csrf_token(page)},
    )
    text = body.decode()
    # allauth answers a throttled login with the form and this error (429 for some paths).
    if status == 429 or "Zu viele" in text or "Too many" in text:
        return "throttled"
    return "in" if status == 302 else "refused"


def post(reader: Reader, key: str, text: str, address: str = "") -> tuple[int, bytes]:
    """Post as `reader`, from `address` (passed as a trusted proxy would) when given."""
    forwarded = {"X-Forwarded-For": address} if address else {}
    _status, _headers, page = reader.request("GET", f"/artikel/{key}/", **forwarded)
    status, _headers, body = reader.request(
        "POST",
        f"/artikel/{key}/kommentieren/",
        {"body": text, "csrfmiddlewaretoken": csrf_token(page)},
        **forwarded,
    )
    return status, body


def test_a_word_added_on_server_a_holds_a_comment_posted_on_server_b(servers) -> None:
    site, first, second = servers
    key = site.article_key()
    admin = Reader(first, site.sessions[2])
    writer = Reader(second, site.sessions[0])
    # B compiles the (empty) list first, so a stale copy would let the word through.
    assert post(writer, key, "Ein harmloser erster Satz.", "198.51.100.10")[0] == 302

    _status, _headers, form = admin.request("GET", "/admin/moderation/wordlistentry/add/")
    site_id = re.search(rb"<option value=.(\d+).[^>]*>Debatte", form)
    assert site_id is not None
    status, _headers, _body = admin.request(
        "POST",
        "/admin/moderation/wordlistentry/add/",
        {
            "site": site_id.group(1).decode(),
            "kind": "banned",
            "phrase": "quatschkopf*",
            "created_at_0": "2026-12-01",
            "created_at_1": "12:00:00",
            "csrfmiddlewaretoken": csrf_token(form),
        },
    )
    errors = re.findall(rb"errorlist[^>]*>(.*?)</ul>", _body, re.S)
    assert status == 302, errors

    status, body = post(writer, key, "Sie Quatschkopf!", "198.51.100.10")
    assert status == 400
    assert "Quatschkopf".lower() in body.decode().lower()


def test_the_posting_limit_counts_posts_on_both_servers(servers) -> None:
    site, first, second = servers
    key = site.article_key()
    on_a, on_b = Reader(first, site.sessions[1]), Reader(second, site.sessions[1])
    address = "198.51.100.20"
    assert post(on_a, key, "Erster Beitrag über A.", address)[0] == 302
    assert post(on_b, key, "Zweiter Beitrag über B.", address)[0] == 302
    status, body = post(on_a, key, "Dritter Beitrag, wieder über A.", "198.51.100.21")
    assert status == 400, "the third post within a minute passed the limit of 2"


def test_a_comment_published_through_a_changes_the_anonymous_page_on_b_at_once(servers) -> None:
    site, first, second = servers
    key = site.article_key()
    anonymous = Reader(second, "")
    anonymous.cookies.clear()
    status, headers, before = anonymous.request("GET", f"/artikel/{key}/")
    assert status == 200
    writer = Reader(first, site.sessions[0])
    assert post(writer, key, "Frisch über Server A.", "198.51.100.30")[0] == 302
    status, _headers, after = anonymous.request("GET", f"/artikel/{key}/")
    assert status == 200
    assert b"Frisch \xc3\xbcber Server A." in after
    assert b"Frisch" not in before


def login_throttled_after_failures(first: str, second: str) -> tuple[str, str]:
    """Fail on A until it throttles; then the outcome of one more failure on A and on B."""
    email = f"victim-{uuid.uuid4().hex[:6]}@example.org"
    for _attempt in range(30):
        if log_in(first, email, "wrong-password") == "throttled":
            break
    else:
        raise AssertionError("server A never throttled 30 failed logins")
    return log_in(first, email, "wrong-password"), log_in(second, email, "wrong-password")


def test_a_login_throttle_hit_on_a_holds_on_b(servers) -> None:
    _site, first, second = servers
    assert login_throttled_after_failures(first, second) == ("throttled", "throttled")


def test_without_redis_the_login_throttle_is_per_process(shared: Installation) -> None:
    # The documented limit of a Redis-less installation: one process, or limits per process.
    site = shared.with_env(REDIS_URL="")
    first, second = site.start_server(), site.start_server()
    try:
        on_a, on_b = login_throttled_after_failures(first, second)
    finally:
        site.stop()
    assert on_a == "throttled"
    assert on_b == "refused", "B only refuses the password: its own counter is at 1"
