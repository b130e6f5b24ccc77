"""An API token's last_used_at: written when it authenticates, at most once a minute."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from debatte.api.auth import record_use
from debatte.api.models import ApiToken
from debatte.articles.models import Site
from tests.api.conftest import BASE

pytestmark = pytest.mark.django_db


def call(plain: str) -> list[str]:
    """GET /counts with the token; the UPDATEs of api tokens it made."""
    with CaptureQueriesContext(connection) as queries:
        answer = Client().get(
            f"{BASE}/counts", {"key": "nato-dialog"}, headers={"authorization": f"Bearer {plain}"}
        )
    assert answer.status_code == 200, answer.content
    sql = [q["sql"] for q in queries.captured_queries]
    return [s for s in sql if s.upper().startswith("UPDATE") and "api_apitoken" in s]


def test_token_first_use_records_the_time(site: Site) -> None:
    token, plain = ApiToken.issue(site, "CMS")
    assert token.last_used_at is None
    before = timezone.now()
    assert len(call(plain)) == 1
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert before <= token.last_used_at <= timezone.now()


def test_token_used_again_within_a_minute_writes_nothing(site: Site) -> None:
    token, plain = ApiToken.issue(site, "CMS")
    call(plain)
    token.refresh_from_db()
    first = token.last_used_at
    for _ in range(3):
        assert call(plain) == []
    token.refresh_from_db()
    assert token.last_used_at == first


def test_token_used_a_minute_later_records_the_new_time(site: Site) -> None:
    token, plain = ApiToken.issue(site, "CMS")
    earlier = timezone.now() - timedelta(seconds=61)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    assert len(call(plain)) == 1
    token.refresh_from_db()
    assert token.last_used_at is not None and token.last_used_at > earlier + timedelta(seconds=60)


def test_token_seen_stale_but_just_written_by_another_request_is_not_written_again(
    site: Site,
) -> None:
    token, _plain = ApiToken.issue(site, "CMS")
    token.last_used_at = timezone.now() - timedelta(minutes=5)  # as this request loaded it
    fresh = timezone.now() - timedelta(seconds=5)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=fresh)  # another request, meanwhile
    record_use(token)
    token.refresh_from_db()
    assert token.last_used_at == fresh


def test_wrong_or_revoked_token_records_nothing(site: Site) -> None:
    token, plain = ApiToken.issue(site, "CMS")
    ApiToken.objects.filter(pk=token.pk).update(is_active=False)
    answer = Client().get(f"{BASE}/counts", headers={"authorization": f"Bearer {plain}"})
    assert answer.status_code == 401
    token.refresh_from_db()
    assert token.last_used_at is None
