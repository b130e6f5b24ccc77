"""The API applies the same site rule as the pages: SSO readers act on their own site only,
and a site with own accounts off admits only its SSO readers."""

import pytest

from debatte.articles.models import Article, Site
from debatte.discussions.models import Comment, Recommendation, Report

pytestmark = pytest.mark.django_db

THREAD = "/articles/nato-dialog/comments"


def error_code(response) -> str:
    return response.json()["error"]["code"]


def test_an_sso_reader_of_another_site_cannot_write(as_user, make_user, other_site, article):
    stranger = as_user(make_user("Von woanders", sso_site=other_site, sso_subject="7", email=None))

    posted = stranger.post(THREAD, {"body": "Hallo."})

    assert posted.status_code == 403 and error_code(posted) == "forbidden"
    assert not Comment.objects.exists()


def test_a_plain_account_cannot_act_where_own_accounts_are_off(
    reader_api, reader, other_reader, make_comment, site, article
):
    make_comment(article, author=other_reader)
    Site.objects.filter(pk=site.pk).update(own_accounts=False)

    for response in (
        reader_api.post(THREAD, {"body": "Hallo."}),
        reader_api.post(THREAD + "/1/replies", {"body": "Antwort."}),
        reader_api.post(THREAD + "/1/recommendation"),
        reader_api.post(THREAD + "/1/reports", {"reason": "spam"}),
    ):
        assert response.status_code == 403, response.content
        assert error_code(response) == "forbidden"
    assert Comment.objects.count() == 1
    assert not Recommendation.objects.exists() and not Report.objects.exists()


def test_the_sites_own_sso_reader_may_write(as_user, make_user, site, article):
    Site.objects.filter(pk=site.pk).update(own_accounts=False)
    own = as_user(make_user("Abonnentin", sso_site=site, sso_subject="1", email=None))

    assert own.post(THREAD, {"body": "Hallo."}).status_code == 201
    assert Article.objects.get(pk=article.pk).comment_count == 1
