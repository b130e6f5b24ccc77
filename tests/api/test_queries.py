"""List operations cost the same number of queries however much they list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from debatte.accounts.models import Badge
from debatte.articles.models import Site

pytestmark = pytest.mark.django_db


def count(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = call()
    assert response.status_code == 200, response.content
    return len(queries)


@pytest.fixture
def discussion(article, make_comment, make_user):
    """Writes comments by readers with badges, with replies; call it with how many threads."""
    badge = Badge.objects.create(slug="abo", label="Abonnent")

    def grow(threads: int) -> None:
        for _ in range(threads):
            author = make_user()
            author.badges.add(badge)
            top = make_comment(article, author=author)
            make_comment(article, parent=top, author=make_user())

    return grow


@pytest.mark.parametrize("role", ["anonymous", "reader_api", "token_api"])
def test_thread_page_queries_do_not_grow_with_the_discussion(
    request, role, discussion, django_assert_num_queries
):
    api = request.getfixturevalue(role)
    # A token's first request also writes its last_used_at (then at most once a minute, see
    # test_token_last_used.py): made here, so that the counts below are of ordinary requests.
    api.get("/counts", data={"key": "nato-dialog"})
    discussion(2)
    small = count(lambda: api.get("/articles/nato-dialog/comments"))
    discussion(20)
    with django_assert_num_queries(small):
        api.get("/articles/nato-dialog/comments")
    with django_assert_num_queries(small):
        api.get("/articles/nato-dialog/comments", data={"sort": "recommended"})


def test_comment_with_replies_queries_are_constant(
    reader_api, article, make_comment, make_user, django_assert_num_queries
):
    top = make_comment(article)
    make_comment(article, parent=top, author=make_user())
    few = count(lambda: reader_api.get("/articles/nato-dialog/comments/1"))
    for _ in range(10):
        make_comment(article, parent=top, author=make_user())
    with django_assert_num_queries(few):
        reader_api.get("/articles/nato-dialog/comments/1")


def test_counts_are_one_query(anonymous, make_article, django_assert_num_queries):
    keys = [make_article().key for _ in range(30)]
    with django_assert_num_queries(1):
        anonymous.get("/counts?" + "&".join(f"key={k}" for k in keys))


def test_own_comments_queries_are_constant(
    reader_api, article, make_comment, django_assert_num_queries
):
    make_comment(article)
    few = count(lambda: reader_api.get("/me/comments"))
    for _ in range(10):
        make_comment(article)
    with django_assert_num_queries(few):
        reader_api.get("/me/comments")


def test_queue_queries_are_constant(
    moderator_api, article, make_comment, make_user, django_assert_num_queries
):
    Site.objects.filter(pk=article.site_id).update(moderation_mode="pre")
    make_comment(article)
    few = count(lambda: moderator_api.get("/moderation/queues/pending"))
    for _ in range(10):
        make_comment(article, author=make_user())
    with django_assert_num_queries(few):
        moderator_api.get("/moderation/queues/pending")
