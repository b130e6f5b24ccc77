"""The queues at scale: the planner's statistics on SQLite, the indexes the first pages read,
and the open-report count the "highest risk" order reads instead of counting reports."""

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from debatte.accounts.models import User
from debatte.articles.models import Article, Site
from debatte.core.sqlite_stats import optimize
from debatte.discussions.models import Comment, CommentStatus, Report, ReportReason
from debatte.discussions.services.reporting import report_comment
from debatte.moderation import queue_selectors as qs
from debatte.moderation.queue_selectors import Queue, QueueOrder, get_queue_page

FIRST_PAGES = {
    "comment_pending_risk": (Queue.PENDING, QueueOrder.RISK),
    "comment_pending_age": (Queue.PENDING, QueueOrder.AGE),
    "comment_reported_risk": (Queue.REPORTED, QueueOrder.RISK),
    "comment_decided_recent": (Queue.DECIDED, QueueOrder.RISK),
}


def first_page_plan(moderator: User, queue: Queue, order: QueueOrder) -> str:
    """The query plan of a queue's first page, as get_queue_page asks for it."""
    keys = qs.SORT_KEYS[Queue.DECIDED if queue == Queue.DECIDED else order]
    rows = (
        qs.filtered_comments(moderator, qs.QueueFilter())
        .filter(qs.QUEUE_Q[queue])
        .annotate(**{key.name: key.expression for key in keys})
        .select_related("article", "article__site", "parent", "author", "claimed_by")
        .order_by(*qs._ordering(keys, forward=True))
    )
    return str(rows[:51].explain())


def many_comments(articles: list[Article], author: User, count: int) -> None:
    """`count` comments without the services: a third pending, the rest decided, some of
    those reported."""
    now = timezone.now()
    Comment.objects.bulk_create(
        Comment(
            article=articles[i % len(articles)],
            number=i // len(articles) + 1,
            author=author,
            author_name=author.display_name,
            body=f"Kommentar {i}",
            status=CommentStatus.PENDING if i % 3 == 0 else CommentStatus.PUBLISHED,
            moderated_at=None if i % 3 == 0 else now - timedelta(seconds=i),
            risk_score=(i % 97) / 97 if i % 5 else None,
            created_at=now - timedelta(seconds=i * 7),
        )
        for i in range(count)
    )
    # Every tenth published comment reported, straight into the table (as an import would).
    published = Comment.objects.filter(status=CommentStatus.PUBLISHED).order_by("pk")
    Report.objects.bulk_create(
        Report(comment_id=pk, reason=ReportReason.INSULT)
        for pk in list(published.values_list("pk", flat=True))[::10]
    )


def sqlite_stat_rows(table: str) -> int:
    """The table's row count when ANALYZE last ran (the largest of its indexes' counts: a
    partial index counts only its rows; under analysis_limit an estimate)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
        return max((int(stat.split()[0]) for (stat,) in cursor.fetchall()), default=0)


@pytest.mark.django_db(transaction=True)
def test_a_new_connection_analyzes_a_database_that_grew_from_empty_and_the_first_pages_use_their_indexes(  # noqa: E501
    mod: User, home_site: Site, make_article: Callable[..., Article]
) -> None:
    articles = [make_article() for _ in range(10)]
    many_comments(articles, mod, 3000)
    # The next request opens a new connection (CONN_MAX_AGE 0): statistics are taken then.
    connection.close()
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        # analysis_limit samples: the count is an estimate, but of thousands, not of none.
        assert sqlite_stat_rows("discussions_comment") >= 1000
        for index, (queue, order) in FIRST_PAGES.items():
            plan = first_page_plan(mod, queue, order)
            assert index in plan, plan
            assert "TEMP B-TREE FOR ORDER BY" not in plan, plan
    else:
        # PostgreSQL keeps its statistics itself (autovacuum): nothing to do here. At 3,000
        # rows it rightly prefers a sort; with sorting priced out, each index must serve its
        # page (its expressions and condition match the query). bench/ shows 100,000 rows.
        assert optimize(connection, thorough=True) == []
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("ANALYZE discussions_comment")
            cursor.execute("SET LOCAL enable_sort = off")
            for index, (queue, order) in FIRST_PAGES.items():
                plan = first_page_plan(mod, queue, order)
                assert index in plan, plan
                # No full sort of the queue (an incremental one on the last key is fine).
                assert not re.search(r"(^|->)\s*Sort\s+\(", plan, re.MULTILINE), plan


@pytest.mark.django_db(transaction=True)
def test_the_workers_periodic_run_analyzes_again_a_table_that_grew_25_fold(
    mod: User, home_site: Site, make_article: Callable[..., Article]
) -> None:
    from debatte.notifications.tasks import auto_close_discussions

    articles = [make_article() for _ in range(4)]
    many_comments(articles, mod, 40)
    optimize(connection, thorough=True)
    if connection.vendor == "sqlite":
        assert 0 < sqlite_stat_rows("discussions_comment") < 400
    Comment.objects.all().delete()
    many_comments(articles, mod, 1200)
    auto_close_discussions.call()
    if connection.vendor == "sqlite":
        assert sqlite_stat_rows("discussions_comment") >= 400
    else:
        assert optimize(connection, thorough=True) == []


@pytest.mark.django_db(transaction=True)
def test_migrate_analyzes_a_table_that_got_a_new_index(
    mod: User, home_site: Site, make_article: Callable[..., Article]
) -> None:
    many_comments([make_article()], mod, 300)
    optimize(connection, thorough=True)
    with connection.cursor() as cursor:
        # As a migration would add it (dropped again at the end: the test database is shared).
        cursor.execute("CREATE INDEX test_comment_by_name ON discussions_comment (author_name)")
    try:
        call_command("migrate", verbosity=0)
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("SELECT stat FROM sqlite_stat1 WHERE idx = 'test_comment_by_name'")
                assert cursor.fetchone() is not None
        else:
            assert optimize(connection, thorough=True, new_indexes=True) == []
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX test_comment_by_name")


@pytest.fixture
def published(home_site: Site, article: Article, make_comment: Callable[..., Any]) -> Comment:
    comment = make_comment(article, body="Ein veröffentlichter Kommentar.")
    Comment.objects.filter(pk=comment.pk).update(status=CommentStatus.PUBLISHED)
    comment.refresh_from_db()
    return comment


def open_reports(comment: Comment) -> int:
    return Comment.objects.values_list("open_report_count", flat=True).get(pk=comment.pk)


@pytest.mark.django_db
def test_the_open_report_count_follows_every_way_a_report_changes(
    mod: User,
    published: Comment,
    reader: User,
    other_reader: User,
    make_user: Callable[..., User],
) -> None:
    assert open_reports(published) == 0
    report_comment(published, reporter=other_reader, reason=ReportReason.INSULT)
    assert open_reports(published) == 1
    # Not through the service (an import, the admin): counted all the same.
    extra = Report.objects.create(comment=published, reporter=None, reason=ReportReason.SPAM)
    assert open_reports(published) == 2
    Report.objects.filter(pk=extra.pk).update(resolved_at=timezone.now())
    assert open_reports(published) == 1
    Report.objects.filter(pk=extra.pk).update(resolved_at=None)  # reopened
    assert open_reports(published) == 2
    extra.delete()
    assert open_reports(published) == 1
    # A resolved report deleted changes nothing.
    done = Report.objects.create(
        comment=published, reason=ReportReason.SPAM, resolved_at=timezone.now()
    )
    done.delete()
    assert open_reports(published) == 1
    # A moderator's decision resolves the open reports.
    client = Client()
    client.force_login(mod)
    response = client.post(reverse("moderation-decide", args=[published.pk]), {"action": "approve"})
    assert response.status_code in (200, 302)
    assert not Report.objects.filter(comment=published, resolved_at__isnull=True).exists()
    assert open_reports(published) == 0


@pytest.mark.django_db
def test_open_reports_break_ties_of_equal_score_in_the_risk_order_across_pages(
    mod: User, home_site: Site, article: Article, make_comment: Callable[..., Any]
) -> None:
    start = timezone.now() - timedelta(days=1)
    first, second, third, other = (make_comment(article) for _ in range(4))
    for index, comment in enumerate((first, second, third, other)):
        Comment.objects.filter(pk=comment.pk).update(
            risk_score=0.9 if comment is other else 0.5, created_at=start + timedelta(hours=index)
        )
    # Pending comments get reports only from notices and imports: straight into the table.
    for _ in range(2):
        Report.objects.create(comment=third, reason=ReportReason.INSULT)
    Report.objects.create(comment=second, reason=ReportReason.INSULT)
    Report.objects.create(comment=first, reason=ReportReason.INSULT, resolved_at=timezone.now())

    seen = []
    cursor = ""
    while True:
        page = get_queue_page(
            mod, queue=Queue.PENDING, order=QueueOrder.RISK, limit=1, after=cursor
        )
        seen += [item.comment.pk for item in page.items]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert seen == [other.pk, third.pk, second.pk, first.pk]
