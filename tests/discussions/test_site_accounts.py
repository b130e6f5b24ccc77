"""Which accounts may take part on which site, whatever page they post through.

A publisher's SSO readers act on that publisher's site only, and a site with own accounts off
admits only its SSO readers (and its staff): enforced by the services, not by the embed's script.
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from debatte.articles.models import Article, Site, SiteMembership
from debatte.discussions.models import Comment, Recommendation, Report
from debatte.discussions.services import post_comment
from debatte.discussions.services.access import may_act_on_site

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def site_a(db: None) -> Site:
    return Site.objects.create(
        name="Zeitung A", slug="zeitung-a", allowed_origins="https://a.example.org"
    )


@pytest.fixture
def sso_only(db: None) -> Site:
    return Site.objects.create(
        name="Zeitung B",
        slug="zeitung-b",
        allowed_origins="https://b.example.org",
        own_accounts=False,
    )


@pytest.fixture
def sso_reader_of_a(make_user: Callable[..., Any], site_a: Site) -> Any:
    return make_user("Abonnentin A", sso_site=site_a, sso_subject="a-1", email=None)


@pytest.fixture
def sso_reader_of_b(make_user: Callable[..., Any], sso_only: Site) -> Any:
    return make_user("Abonnent B", sso_site=sso_only, sso_subject="b-1", email=None)


def article_on(site: Site, key: str = "x-1") -> Article:
    return Article.objects.create(site=site, key=f"{site.slug}:{key}", title="Ein Artikel")


def comment_url(name: str, comment: Comment) -> str:
    return reverse(
        name, kwargs={"article_key": comment.article.key, "comment_label": comment.url_label}
    )


def test_the_rule(
    site_a: Site, sso_only: Site, sso_reader_of_a: Any, reader: Any, moderator: Any
) -> None:
    assert may_act_on_site(sso_reader_of_a, site_a)
    assert not may_act_on_site(sso_reader_of_a, sso_only)
    assert may_act_on_site(reader, site_a)
    assert not may_act_on_site(reader, sso_only)
    # Staff answer with their Debatte accounts, but only this site's staff: `is_staff` alone
    # (another site's moderator or admin) is a plain account here.
    assert not may_act_on_site(moderator, sso_only)
    SiteMembership.objects.create(site=sso_only, user=moderator, role="moderator")
    assert may_act_on_site(moderator, sso_only)


@pytest.mark.parametrize("where", ["sso_only", "site_a", "default"])
def test_the_article_page_refuses_accounts_the_site_does_not_admit(
    client: Any, request: Any, sso_reader_of_a: Any, reader: Any, article: Article, where: str
) -> None:
    if where == "default":
        target, user = article, sso_reader_of_a  # an SSO reader of A on Debatte's own site
    elif where == "sso_only":
        target, user = article_on(request.getfixturevalue("sso_only")), reader
    else:
        target, user = article_on(request.getfixturevalue("sso_only")), sso_reader_of_a
    client.force_login(user)

    response = client.post(
        reverse("comment-create", args=[target.key]),
        {"body": "Ich auch!"},
        HTTP_ACCEPT_LANGUAGE="de",
    )

    assert response.status_code == 400
    assert not Comment.objects.exists()
    html = response.content.decode()
    assert "Ich auch!" in html  # the text is kept
    assert "gehört zu einer anderen Website" in html or "Konto bei Zeitung B" in html


def test_the_sites_own_sso_readers_and_moderators_may_post(
    client: Any, sso_only: Site, sso_reader_of_b: Any, make_user: Callable[..., Any]
) -> None:
    create = reverse("comment-create", args=[article_on(sso_only).key])
    client.force_login(sso_reader_of_b)
    assert client.post(create, {"body": "Ja."}).status_code == 302
    desk = make_user("Redaktion B")
    SiteMembership.objects.create(site=sso_only, user=desk, role="moderator")
    client.force_login(desk)
    assert client.post(create, {"body": "Gut."}).status_code == 302
    assert Comment.objects.count() == 2


def test_the_embed_post_refuses_an_sso_reader_of_another_site(
    client: Any, sso_only: Site, sso_reader_of_a: Any, reader: Any
) -> None:
    target = article_on(sso_only, "b-7")
    create = reverse("embed-comment-create", args=["zeitung-b", "b-7"])

    for user in (sso_reader_of_a, reader):
        client.force_login(user)
        response = client.post(create, {"body": "Über das Iframe."}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400
        assert "Über das Iframe." in response.content.decode()
    assert not Comment.objects.filter(article=target).exists()


def test_recommending_reporting_and_editing_are_refused_too(
    client: Any, sso_only: Site, sso_reader_of_b: Any, reader: Any, other_reader: Any
) -> None:
    # Written while the site still had own accounts; then it switched to SSO only.
    Site.objects.filter(pk=sso_only.pk).update(own_accounts=True)
    target = article_on(Site.objects.get(pk=sso_only.pk))
    mine = post_comment(target, author=reader, body="Damals geschrieben.")
    theirs = post_comment(target, author=sso_reader_of_b, body="Vom Abonnenten.")
    Site.objects.filter(pk=sso_only.pk).update(own_accounts=False)
    client.force_login(reader)

    recommend = client.post(comment_url("comment-recommend", theirs), HTTP_ACCEPT=JSON)
    assert recommend.status_code == 400 and recommend.json()["error"] == "forbidden"
    report = client.post(comment_url("comment-report", theirs), {"reason": "spam"})
    assert report.status_code == 400
    edit = client.post(comment_url("comment-edit", mine), {"body": "Neu."})
    assert edit.status_code == 400
    mine.refresh_from_db()
    assert mine.body == "Damals geschrieben."
    assert not Recommendation.objects.exists() and not Report.objects.exists()
    # Deleting one's own text stays possible.
    assert client.post(comment_url("comment-delete", mine)).status_code == 302
