"""The audit log page through the test client: filters, paging, scope and deleted accounts."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from debatte.articles.models import Site, SiteMembership, default_site_id
from debatte.discussions.models import Comment
from debatte.moderation.audit import record
from debatte.moderation.models import AuditEntry, Reason
from debatte.moderation.services.decisions import approve_comment, reject_comment

pytestmark = pytest.mark.django_db

AUDIT_URL = "/moderation/audit/"


def member(user: Any, site_id: int | None = None) -> Any:
    SiteMembership.objects.create(site_id=site_id or default_site_id(), user=user, role="moderator")
    return user


@pytest.fixture
def site_moderator(moderator: Any) -> Any:
    return member(moderator)


@pytest.fixture
def other_site() -> Site:
    return Site.objects.create(name="Anderes Blatt", slug="anderes-blatt")


@pytest.fixture
def decided(
    article: Any,
    make_comment: Callable[..., Any],
    other_reader: Any,
    site_moderator: Any,
    reject_reason: Reason,
) -> tuple[Comment, Comment]:
    """#1 by Kapaster d.J. rejected, #2 by Martin Köster approved, both by "Redaktion ab"."""
    rejected = reject_comment(make_comment(article), moderator=site_moderator, reason=reject_reason)
    approved = approve_comment(make_comment(article, author=other_reader), moderator=site_moderator)
    return rejected, approved


def rows(html: str) -> int:
    return html.count('<tr id="eintrag-')


def test_audit_log_lists_entries(client: Any, colleague: Any, decided: Any) -> None:
    client.force_login(colleague)
    response = client.get(AUDIT_URL, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert rows(html) == AuditEntry.objects.count() >= 2
    assert "<code>comment.reject</code>" in html and "<code>comment.approve</code>" in html
    assert "Redaktion ab" in html
    assert "#1 Kapaster d.J." in html and "#2 Martin Köster" in html
    assert "Bitte bleiben Sie sachlich." in html
    assert "published → rejected" in html
    newest = AuditEntry.objects.order_by("-pk").first()
    assert html.index(f'id="eintrag-{newest.pk}"') < html.index("<code>comment.reject</code>")


def test_audit_log_filters(client: Any, colleague: Any, decided: Any) -> None:
    client.force_login(colleague)
    html = client.get(AUDIT_URL, {"verb": "comment.reject"}).content.decode()
    assert rows(html) == 1 and "<code>comment.reject</code>" in html
    html = client.get(AUDIT_URL, {"verb": "comment"}).content.decode()
    assert rows(html) == AuditEntry.objects.filter(verb__startswith="comment").count()
    html = client.get(AUDIT_URL, {"subject": "köster"}).content.decode()
    assert rows(html) == AuditEntry.objects.filter(subject__contains="Köster").count() >= 1
    assert "Kapaster" not in html.split("<tbody>")[1]
    html = client.get(AUDIT_URL, {"actor": "redaktion ab", "verb": "comment.approve"}).content
    assert rows(html.decode()) == 1
    html = client.get(AUDIT_URL, {"actor": "nobody"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert rows(html) == 0 and "No entries match." in html
    html = client.get(AUDIT_URL, {"site": default_site_id()}).content.decode()
    assert rows(html) == AuditEntry.objects.count()


def test_audit_log_keeps_to_the_moderators_sites(
    client: Any,
    colleague: Any,
    other_site: Site,
    make_article: Callable[..., Any],
    make_comment: Callable[..., Any],
    make_user: Callable[..., Any],
    decided: Any,
) -> None:
    foreign = make_comment(make_article(site=other_site, key="fremd"))
    record("comment.approve", actor=None, comment=foreign, before="pending", after="published")
    foreign_entry = AuditEntry.objects.get(site=other_site)

    client.force_login(colleague)
    html = client.get(AUDIT_URL).content.decode()
    assert f'id="eintrag-{foreign_entry.pk}"' not in html
    assert rows(html) == AuditEntry.objects.filter(site_id=default_site_id()).count()
    # Asking for another site's entries is refused, not answered with one's own.
    response = client.get(AUDIT_URL, {"site": other_site.pk})
    assert response.status_code == 400
    assert rows(response.content.decode()) == 0

    stranger = member(make_user("Redaktion xy", staff=True), other_site.pk)
    client.force_login(stranger)
    html = client.get(AUDIT_URL).content.decode()
    assert rows(html) == 1 and f'id="eintrag-{foreign_entry.pk}"' in html


def test_audit_log_survives_deleted_accounts(
    client: Any, colleague: Any, site_moderator: Any, reader: Any, decided: Any
) -> None:
    entries = AuditEntry.objects.count()
    site_moderator.delete()
    reader.delete()
    assert AuditEntry.objects.count() == entries
    assert not AuditEntry.objects.filter(actor__isnull=False).exists()
    client.force_login(colleague)
    html = client.get(AUDIT_URL, {"actor": "Redaktion ab"}, HTTP_ACCEPT_LANGUAGE="en")
    html = html.content.decode()
    assert rows(html) == AuditEntry.objects.filter(actor_name="Redaktion ab").count() >= 2
    assert "(account deleted)" in html
    assert "#1 Kapaster d.J." in html


def test_audit_log_pages_by_keyset(
    client: Any, colleague: Any, article: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("debatte.moderation.views.dsa.AUDIT_ENTRIES_PER_PAGE", 3)
    for n in range(7):
        record("discussion.close", actor=colleague, article=article, reason=f"Runde {n}")
    record("comment.hold", actor=None, article=article)
    client.force_login(colleague)

    first = client.get(AUDIT_URL, {"verb": "discussion"}).content.decode()
    assert rows(first) == 3 and "Runde 6" in first and "Runde 4" in first
    older = first.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
    assert "verb=discussion" in older and "before=" in older

    second = client.get(older.replace("&amp;", "&")).content.decode()
    assert rows(second) == 3 and "Runde 3" in second and "Runde 1" in second
    assert "Runde 4" not in second
    assert f'href="{AUDIT_URL}?verb=discussion"' in second  # back to the newest
    older = second.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]

    last = client.get(older.replace("&amp;", "&")).content.decode()
    assert rows(last) == 1 and "Runde 0" in last
    assert 'rel="next"' not in last


def test_audit_log_is_for_moderators_only(client: Any, reader: Any) -> None:
    response = client.get(AUDIT_URL)
    assert response.status_code == 302 and "/konto/login/" in response["Location"]
    client.force_login(reader)
    assert client.get(AUDIT_URL).status_code == 403


def test_audit_log_has_constant_queries(
    client: Any,
    colleague: Any,
    article: Any,
    decided: Any,
    django_assert_num_queries: Any,
) -> None:
    client.force_login(colleague)
    with CaptureQueriesContext(connection) as few:
        assert client.get(AUDIT_URL, {"verb": "comment"}).status_code == 200
    for n in range(20):
        record(
            "comment.hold", actor=colleague, article=article, reason=f"Test {n}", details={"n": n}
        )
    filters = {"verb": "comment", "site": default_site_id()}
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(AUDIT_URL, filters)
    assert rows(response.content.decode()) > 20
    # session, user, the moderator's sites, the header's site-admin link, the entries
    assert len(few.captured_queries) == 5
