"""The Django admin is scoped to sites: a site admin (staff, with every model permission) of
site A sees only site A's objects, no secrets and no personal data; superusers see everything.
Through the test client against /admin/, as a person would use it."""

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from debatte.accounts.models import User
from debatte.articles.models import Article, Section, Site, SiteMembership, default_site_id
from debatte.discussions.models import Comment, CommentStatus, Report, ReportReason
from debatte.moderation.models import AuditEntry, Reason, StatementOfReasons, WordListEntry

pytestmark = pytest.mark.django_db

A_SECRET = "a-shared-secret-that-is-long-enough-0123456789"
B_SECRET = "b-shared-secret-that-is-long-enough-9876543210"


@pytest.fixture
def world(make_user: Any, make_article: Any, make_comment: Any) -> dict[str, Any]:
    site_a = Site.objects.get(pk=default_site_id())
    Site.objects.filter(pk=site_a.pk).update(name="Blatt A", sso_secret=A_SECRET)
    site_b = Site.objects.create(name="Blatt B", slug="blatt-b", sso_secret=B_SECRET)
    Site.objects.filter(pk=site_b.pk).update(rate_limit_per_minute=0)
    article_a = make_article(site=site_a, title="Artikel auf A")
    article_b = make_article(site=site_b, title="Artikel auf B")
    comment_a = make_comment(article_a, body="Kommentar auf Blatt A.")
    comment_b = make_comment(article_b, body="Kommentar auf Blatt B.")
    Comment.objects.filter(pk=comment_a.pk).update(ip_address="198.51.100.44")
    Comment.objects.filter(pk=comment_b.pk).update(ip_address="203.0.113.99")
    report_a = Report.objects.create(
        comment=comment_a, reason=ReportReason.ILLEGAL, reporter_email="melderin@example.org"
    )
    report_b = Report.objects.create(
        comment=comment_b, reason=ReportReason.ILLEGAL, reporter_email="b-melder@example.org"
    )
    Section.objects.create(site=site_b, name="Ressort B", slug="ressort-b")
    Reason.objects.create(site=site_b, code="b", kind="reject", label="Grund B", text="B")
    WordListEntry.objects.create(site=site_b, phrase="wortaufb", kind="banned")
    AuditEntry.objects.create(site=site_b, actor_name="Prüferin B", verb="comment.reject")
    admin_a = make_user("Admin A", staff=True)
    SiteMembership.objects.create(site=site_a, user=admin_a, role="admin")
    admin_a.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=[
                "accounts",
                "articles",
                "discussions",
                "moderation",
                "notifications",
            ]
        )
    )
    return {
        "site_a": site_a,
        "site_b": site_b,
        "article_b": article_b,
        "comment_a": comment_a,
        "comment_b": comment_b,
        "report_a": report_a,
        "report_b": report_b,
        "admin_a": admin_a,
    }


@pytest.fixture
def as_admin_a(client: Client, world: dict[str, Any]) -> Client:
    client.force_login(world["admin_a"])
    return client


@pytest.fixture
def as_superuser(client: Client, world: dict[str, Any]) -> Client:
    superuser = User.objects.create_superuser(
        email="root@example.org", password="a-long-test-password", display_name="Root"
    )
    client.force_login(superuser)
    return client


def page(client: Client, url: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize(
    ("url", "marker"),
    [
        ("/admin/articles/site/", "Blatt B"),
        ("/admin/articles/section/", "Ressort B"),
        ("/admin/articles/article/", "Artikel auf B"),
        ("/admin/discussions/comment/", "Artikel auf B"),
        ("/admin/moderation/reason/", "Grund B"),
        ("/admin/moderation/wordlistentry/", "wortaufb"),
        ("/admin/moderation/auditentry/", "Prüferin B"),
    ],
)
def test_site_admin_changelists_leave_out_the_other_sites_objects(
    as_admin_a: Client, url: str, marker: str
) -> None:
    assert marker not in page(as_admin_a, url)


@pytest.mark.parametrize("url", ["/admin/articles/site/", "/admin/articles/article/"])
def test_superuser_sees_every_site(as_superuser: Client, url: str) -> None:
    assert "B" in page(as_superuser, url)
    assert "Blatt B" in page(as_superuser, "/admin/articles/site/")


def test_site_admin_cannot_open_the_other_sites_objects(
    as_admin_a: Client, world: dict[str, Any]
) -> None:
    for url in [
        f"/admin/articles/site/{world['site_b'].pk}/change/",
        f"/admin/articles/article/{world['article_b'].pk}/change/",
        f"/admin/discussions/comment/{world['comment_b'].pk}/change/",
        f"/admin/discussions/report/{world['report_b'].pk}/change/",
    ]:
        response = as_admin_a.get(url)
        assert response.status_code in (302, 404), url
        assert B_SECRET not in response.content.decode()
        assert "203.0.113.99" not in response.content.decode()
    reports = page(as_admin_a, "/admin/discussions/report/")
    assert f"/admin/discussions/report/{world['report_b'].pk}/change/" not in reports
    assert f"/admin/discussions/report/{world['report_a'].pk}/change/" in reports


def test_site_admin_never_sees_the_sso_secret_even_of_their_own_site(
    as_admin_a: Client, world: dict[str, Any]
) -> None:
    html = page(as_admin_a, f"/admin/articles/site/{world['site_a'].pk}/change/")

    assert "Blatt A" in html
    assert A_SECRET not in html and B_SECRET not in html
    assert 'name="sso_secret"' not in html and 'name="sso_public_key"' not in html
    assert "SSO shared secret (HS256): set" in html


def test_superuser_sees_and_edits_the_sso_secret(
    as_superuser: Client, world: dict[str, Any]
) -> None:
    html = page(as_superuser, f"/admin/articles/site/{world['site_a'].pk}/change/")
    assert 'name="sso_secret"' in html and A_SECRET in html


def test_site_admin_sees_no_ip_addresses_or_reporter_emails(
    as_admin_a: Client, world: dict[str, Any]
) -> None:
    pages = [
        page(as_admin_a, "/admin/discussions/comment/"),
        page(as_admin_a, f"/admin/discussions/comment/{world['comment_a'].pk}/change/"),
        page(as_admin_a, "/admin/discussions/report/"),
        page(as_admin_a, f"/admin/discussions/report/{world['report_a'].pk}/change/"),
        page(as_admin_a, "/admin/discussions/report/?q=melderin"),
    ]
    for html in pages:
        assert "198.51.100.44" not in html and "203.0.113.99" not in html
        assert "melderin@example.org" not in html and "b-melder@example.org" not in html
    assert "Artikel auf A" in pages[0]


def test_superuser_sees_ip_addresses_and_reporter_emails(
    as_superuser: Client, world: dict[str, Any]
) -> None:
    comment = page(as_superuser, f"/admin/discussions/comment/{world['comment_a'].pk}/change/")
    report = page(as_superuser, f"/admin/discussions/report/{world['report_a'].pk}/change/")
    assert "198.51.100.44" in comment
    assert "melderin@example.org" in report


def test_foreign_key_choices_are_the_site_admins_sites_only(
    as_admin_a: Client, world: dict[str, Any]
) -> None:
    html = page(as_admin_a, "/admin/articles/article/add/")
    assert "Blatt A" in html and "Blatt B" not in html
    assert "Ressort B" not in html

    response = as_admin_a.post(
        "/admin/moderation/reason/add/",
        {
            "site": world["site_b"].pk,
            "code": "fremd",
            "kind": "reject",
            "label": "Fremd",
            "text": "x",
            "position": 0,
            "is_active": "on",
        },
    )
    assert response.status_code == 200, "the form is shown again with an error"
    assert not Reason.objects.filter(code="fremd").exists()


def test_users_and_badges_are_for_superusers_only(
    as_admin_a: Client, world: dict[str, Any]
) -> None:
    for url in ["/admin/accounts/user/", "/admin/accounts/badge/"]:
        assert as_admin_a.get(url).status_code == 403
    index = page(as_admin_a, "/admin/")
    assert "/admin/accounts/user/" not in index
    assert "/admin/articles/article/" in index


def test_staff_with_permissions_but_no_site_admin_role_sees_nothing(
    client: Client, world: dict[str, Any], make_user: Any
) -> None:
    moderator = make_user("Nur Moderatorin", staff=True)
    SiteMembership.objects.create(site=world["site_a"], user=moderator, role="moderator")
    moderator.user_permissions.set(Permission.objects.filter(content_type__app_label="articles"))
    client.force_login(moderator)

    assert client.get("/admin/articles/site/").status_code == 403
    assert client.get(f"/admin/articles/site/{world['site_a'].pk}/change/").status_code in (
        302,
        403,
        404,
    )


def test_statements_and_appeals_are_scoped(as_admin_a: Client, world: dict[str, Any]) -> None:
    statement = StatementOfReasons.objects.create(
        user=world["comment_b"].author,
        comment=world["comment_b"],
        site=world["site_b"],
        decision="comment.reject",
        decision_text="Entfernt",
        ground="Gründe B",
        appealable_until=timezone.now(),
    )
    html = page(as_admin_a, "/admin/moderation/statementofreasons/")
    assert f"/admin/moderation/statementofreasons/{statement.pk}/change/" not in html


# --- Comments and discussions change through the moderators' tools only ---------------------


def test_comment_status_and_text_cannot_be_changed_in_the_admin(
    as_superuser: Client, world: dict[str, Any]
) -> None:
    comment = world["comment_a"]
    url = f"/admin/discussions/comment/{comment.pk}/change/"
    html = page(as_superuser, url)
    assert 'name="status"' not in html and 'name="body"' not in html

    as_superuser.post(
        url,
        {
            "article": comment.article_id,
            "author_name": comment.author_name,
            "status": CommentStatus.REJECTED,
            "body": "Von der Redaktion umgeschrieben.",
            "created_at_0": "2026-01-01",
            "created_at_1": "12:00:00",
        },
    )

    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED
    assert comment.body == "Kommentar auf Blatt A."
    assert as_superuser.get("/admin/discussions/comment/add/").status_code == 403


def test_discussion_status_cannot_be_changed_in_the_article_admin(
    as_superuser: Client, world: dict[str, Any]
) -> None:
    article = world["article_b"]
    html = page(as_superuser, f"/admin/articles/article/{article.pk}/change/")
    for name in ("discussion_status", "discussion_opens_at", "discussion_closes_at"):
        assert f'name="{name}"' not in html
    assert Article.objects.get(pk=article.pk).discussion_status == "open"
