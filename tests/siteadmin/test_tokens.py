"""API tokens: the plain value shown once, stored hashed, working against the API; revoked."""

import re
from typing import Any

import pytest
from django.test import Client

from debatte.api.models import ApiToken, hash_token
from debatte.articles.models import Site
from debatte.moderation.models import AuditEntry
from tests.siteadmin.conftest import url

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"dbt_[A-Za-z0-9_-]{20,}")


def api_counts(token: str) -> int:
    answer = Client().get(
        "/api/v1/counts?key=nato-dialog", headers={"authorization": f"Bearer {token}"}
    )
    return answer.status_code


def test_token_is_shown_once_stored_hashed_and_works(
    site: Site, admin_client: Client, site_admin: Any
) -> None:
    answer = admin_client.post(url("tokens", site), {"name": "CMS Zähler"})
    assert answer.status_code == 200
    assert answer["Cache-Control"] == "no-store"
    plain = TOKEN.findall(answer.content.decode())
    assert len(plain) == 1
    token = ApiToken.objects.get()
    assert token.token_hash == hash_token(plain[0])
    assert plain[0] not in str(ApiToken.objects.values().get())
    assert api_counts(plain[0]) == 200

    # Never again: not on the list, not in the audit log.
    page = admin_client.get(url("tokens", site)).content.decode()
    assert "CMS Zähler" in page
    assert not TOKEN.search(page)
    entry = AuditEntry.objects.get(verb="site.api_token_create")
    assert entry.actor == site_admin and entry.site_id == site.pk
    assert entry.details["name"] == "CMS Zähler"
    assert plain[0] not in str(entry.details)


def test_token_revoked_stops_working_and_is_audited(site: Site, admin_client: Client) -> None:
    token, plain = ApiToken.issue(site, "Altlast")
    assert api_counts(plain) == 200
    answer = admin_client.post(url("token-revoke", site, token_id=token.pk))
    assert answer.status_code == 302
    token.refresh_from_db()
    assert not token.is_active
    assert api_counts(plain) == 401
    assert AuditEntry.objects.get(verb="site.api_token_revoke").details["token_id"] == token.pk
    # Revoking again changes nothing and logs nothing.
    admin_client.post(url("token-revoke", site, token_id=token.pk))
    assert AuditEntry.objects.filter(verb="site.api_token_revoke").count() == 1


def test_token_of_another_site_cannot_be_revoked_here(
    site: Site, other_site: Site, admin_client: Client
) -> None:
    token, _plain = ApiToken.issue(other_site, "Fremd")
    assert admin_client.post(url("token-revoke", site, token_id=token.pk)).status_code == 404
    token.refresh_from_db()
    assert token.is_active


def test_token_needs_a_name(site: Site, admin_client: Client) -> None:
    answer = admin_client.post(url("tokens", site), {"name": "  "})
    assert answer.status_code == 400
    assert "This field is required" in answer.content.decode()
    assert not ApiToken.objects.exists()


def test_token_list_query_count_does_not_grow(
    site: Site, admin_client: Client, django_assert_num_queries: Any
) -> None:
    ApiToken.issue(site, "eins")
    admin_client.get(url("tokens", site))  # session and user cached alike for both counts
    with django_assert_num_queries(5) as few:
        admin_client.get(url("tokens", site))
    for n in range(10):
        ApiToken.issue(site, f"Token {n}")
    with django_assert_num_queries(len(few.captured_queries)):
        admin_client.get(url("tokens", site))


def last_used_cell(page: str, token: ApiToken) -> str:
    row = page[page.index(f'id="token-{token.pk}"') :]
    return row[: row.index("</tr>")].split("<td>")[3]


def test_token_list_shows_when_a_token_was_last_used(site: Site, admin_client: Client) -> None:
    used, plain = ApiToken.issue(site, "CMS im Einsatz")
    unused, _plain = ApiToken.issue(site, "Nie benutzt")
    assert api_counts(plain) == 200
    used.refresh_from_db()
    assert used.last_used_at is not None
    page = admin_client.get(url("tokens", site)).content.decode()
    assert '<time datetime="' in last_used_cell(page, used)
    assert "never" in last_used_cell(page, unused)
