"""What one post costs in queries, after-commit work included (the posting benchmark's hot path).

For a site without webhooks, with full scoring queued on the database backend and no reader
listening live: the writer's facts (1); the transaction (a savepoint inside the test's own
transaction; BEGIN IMMEDIATE and COMMIT in production) with the activity counted again (1, and
on PostgreSQL the writer's row locked first: 1), the numbering UPDATE that also bumps the
version and counts (1) and the INSERT (1); after the commit the scoring task (1). No webhook
lookup (cached per site) and no live message (nobody listens).
"""

from typing import Any

import pytest
from django.db import connection

from debatte.discussions.services import post_comment
from debatte.notifications import subscriptions

TOP_LEVEL_POST = 7  # facts, SAVEPOINT, recount, UPDATE article, INSERT, RELEASE, task
REPLY = TOP_LEVEL_POST + 2  # the article's version is its own UPDATE; the reply mail check


def writer_lock() -> int:
    return 1 if connection.features.has_select_for_update else 0


@pytest.fixture
def production_like(settings: Any, article: Any) -> None:
    settings.DEBATTE = {**settings.DEBATTE, "FULL_SCORER": "debatte.classifier.score"}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    subscriptions.forget(article.site_id)  # nothing cached from earlier tests


def post(capture: Any, article: Any, **kwargs: Any) -> Any:
    with capture(execute=True):
        return post_comment(article, **kwargs)


def test_post_comment_query_count_for_a_site_without_webhooks(
    production_like: None,
    article: Any,
    reader: Any,
    django_assert_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    post(django_capture_on_commit_callbacks, article, author=reader, body="Der erste Beitrag.")

    with django_assert_num_queries(TOP_LEVEL_POST + writer_lock()):
        post(django_capture_on_commit_callbacks, article, author=reader, body="Der zweite.")


def test_reply_query_count_for_a_site_without_webhooks(
    production_like: None,
    article: Any,
    reader: Any,
    other_reader: Any,
    django_assert_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    top = post(django_capture_on_commit_callbacks, article, author=reader, body="Eine These.")

    with django_assert_num_queries(REPLY + writer_lock()):
        post(
            django_capture_on_commit_callbacks,
            article,
            author=other_reader,
            body="Eine Antwort.",
            parent=top,
        )


def test_post_comment_looks_up_the_sites_webhooks_once_when_not_cached(
    production_like: None,
    article: Any,
    reader: Any,
    django_assert_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    post(django_capture_on_commit_callbacks, article, author=reader, body="Der Anfang.")
    subscriptions.forget(article.site_id)

    # Two events (comment.created, comment.published), one lookup: the answer is cached.
    with django_assert_num_queries(TOP_LEVEL_POST + writer_lock() + 1):
        post(django_capture_on_commit_callbacks, article, author=reader, body="Weiter.")
