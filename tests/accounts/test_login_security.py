"""Every login path throttled in the shared cache; passwords hashed with Argon2."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.test import Client

from debatte.api.models import ApiToken
from debatte.articles.models import Site, default_site_id

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a-long-test-password"
REDIS_TEST_URL = os.environ.get("DEBATTE_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")
TOO_MANY = ("Zu viele", "Too many")


def verified(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def log_in(client, email, password, **extra):
    return client.post("/konto/login/", {"login": email, "password": password}, **extra)


def refused_as_too_many(response) -> bool:
    text = response.content.decode()
    return response.status_code in (200, 429) and any(words in text for words in TOO_MANY)


def test_rate_limits_are_explicit_for_every_login_path(settings):
    from allauth.account import app_settings
    from allauth.core.internal.ratelimit import parse_rates

    actions = (
        "login",
        "login_failed",
        "signup",
        "reset_password",
        "reset_password_from_key",
        "confirm_email",
    )
    for action in actions:
        assert action in settings.ACCOUNT_RATE_LIMITS, action
        assert parse_rates(app_settings.RATE_LIMITS[action]), action
    # Failed logins are limited per client address and per e-mail address.
    pers = {rate.per for rate in parse_rates(app_settings.RATE_LIMITS["login_failed"])}
    assert pers == {"ip", "key"}


def test_login_is_refused_after_five_failures_even_with_the_right_password(client, make_user):
    user = verified(make_user())
    for _attempt in range(5):
        assert log_in(client, user.email, "wrong-password").status_code == 200
    response = log_in(client, user.email, PASSWORD)
    assert refused_as_too_many(response)
    assert "_auth_user_id" not in client.session


def test_admin_login_goes_through_allauths_login(client, make_user):
    admin = verified(make_user(staff=True, is_superuser=True))
    # The admin's own form no longer checks passwords: it sends everyone to the site's login.
    response = client.post("/admin/login/", {"username": admin.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/konto/login/")
    assert "_auth_user_id" not in client.session
    response = client.get("/admin/")
    assert response.status_code == 302
    login_url = client.get(response["Location"], follow=True).redirect_chain[-1][0]
    assert login_url.startswith("/konto/login/?next=")
    response = client.post(login_url, {"login": admin.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(response["Location"], follow=True).request["PATH_INFO"] == "/admin/"


def test_admin_login_is_throttled_after_five_failures(client, make_user):
    admin = verified(make_user(staff=True, is_superuser=True))
    login_url = client.get("/admin/login/")["Location"]
    for _attempt in range(5):
        response = client.post(login_url, {"login": admin.email, "password": "guess"})
        assert response.status_code == 200
    response = client.post(login_url, {"login": admin.email, "password": PASSWORD})
    assert refused_as_too_many(response)
    assert client.get("/admin/").status_code == 302


def test_failed_logins_count_per_client_address_behind_a_trusted_proxy(settings, make_user):
    settings.DEBATTE = {**settings.DEBATTE, "TRUSTED_PROXIES": ["10.0.0.1"]}
    user = verified(make_user())
    attacker = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    neighbour = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    # Ten addresses guessed from one client: the per-address limit, not the per-e-mail one.
    for n in range(10):
        log_in(Client(), f"nobody{n}@example.org", "guess", **attacker)
    assert refused_as_too_many(log_in(Client(), user.email, PASSWORD, **attacker))
    # Everyone else behind the same proxy still logs in.
    assert log_in(Client(), user.email, PASSWORD, **neighbour).status_code == 302


@pytest.fixture
def redis_cache(settings):
    """Django's cache in the real Redis, under a prefix of this test's own."""
    import redis

    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        message = f"Redis at {REDIS_TEST_URL} is not reachable ({error})"
        if os.environ.get("DEBATTE_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{message}; DEBATTE_REQUIRE_SERVICES=1 requires it")
        pytest.skip(f"{message}; set DEBATTE_REQUIRE_SERVICES=1 to make this a failure")
    prefix = f"debatte-test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": prefix,
        }
    }
    yield prefix
    from django.core.cache import cache

    cache.clear()


SECOND_PROCESS = """
from django.test import Client
response = Client().post(
    "/admin/login/", follow=True, data={"username": "x", "password": "y"}
)
login_url = response.redirect_chain[-1][0]
response = Client().post(login_url, {"login": "chef@example.org", "password": "right"})
text = response.content.decode()
print("REFUSED" if "Zu viele" in text or "Too many" in text else "ACCEPTED")
"""


def test_admin_login_failures_are_counted_in_redis_across_processes(
    client, make_user, redis_cache, tmp_path
):
    admin = verified(make_user(staff=True, is_superuser=True, email="chef@example.org"))
    login_url = client.get("/admin/login/")["Location"]
    for _attempt in range(5):
        client.post(login_url, {"login": admin.email, "password": "guess"})
    # Another app server (another process, same Redis) refuses the sixth attempt at once,
    # before it looks at any password or database row.
    env = {
        **os.environ,
        "DEBATTE_DEVELOPMENT": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "REDIS_URL": REDIS_TEST_URL,
        "DEBATTE_CACHE_PREFIX": redis_cache,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "DEBATTE_PLAIN_STATIC": "1",
    }
    code = "import django; django.setup()\n" + SECOND_PROCESS
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "REFUSED"


def test_wrong_api_tokens_are_throttled_per_client_address(settings):
    site = Site.objects.get(pk=default_site_id())
    _token, plain = ApiToken.issue(site, "CMS")

    def call(token, address):
        return Client().get(
            "/api/v1/moderation/queues/pending",
            headers={"Authorization": f"Bearer {token}"},
            REMOTE_ADDR=address,
        )

    for n in range(20):
        assert call(f"dbt_wrong{n}", "203.0.113.9").status_code == 401
    refused = call("dbt_wrong", "203.0.113.9")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    # Once over the limit even a right token waits: a guess must not tell right from wrong.
    assert call(plain, "203.0.113.9").status_code == 429
    assert call(plain, "198.51.100.7").status_code != 429


def test_passwords_are_hashed_with_argon2_and_old_hashes_upgraded_on_login(
    settings, client, make_user
):
    from config import settings as project_settings

    hashers = project_settings.PASSWORD_HASHERS
    assert hashers[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in hashers
    settings.PASSWORD_HASHERS = hashers
    user = verified(make_user())
    # A hash from before Argon2 (few iterations keep the test fast; the algorithm is the point).
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "oldsalt", iterations=1000)
    user.save(update_fields=["password"])
    assert user.password.startswith("pbkdf2_sha256$")
    assert log_in(client, user.email, PASSWORD).status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")
    assert user.check_password(PASSWORD)
