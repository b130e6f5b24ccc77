"""Queue pages beyond the first 50: keyset cursors, links that keep the filters, tab counts."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from debatte.articles.models import Section, Site, default_site_id
from debatte.discussions.models import Comment, CommentStatus, Report, ReportReason
from debatte.moderation.queue_selectors import (
    BadCursor,
    Queue,
    QueueFilter,
    QueueOrder,
    count_queues,
    get_queue_page,
)

pytestmark = pytest.mark.django_db

QUEUE_URL = "/moderation/"


@pytest.fixture
def home_site(db: None) -> Site:
    site = Site.objects.get(pk=default_site_id())
    Site.objects.filter(pk=site.pk).update(moderation_mode="pre", risk_threshold=0.5)
    return site


@pytest.fixture
def client_of(mod: Any) -> Client:
    client = Client()
    client.force_login(mod)
    return client


@pytest.fixture
def held(home_site: Site, article: Any, make_comment: Callable[..., Any]) -> list[Comment]:
    """65 pending comments with few distinct scores (ties across the page boundary) and
    an hour between each and the next."""
    comments = [make_comment(article) for _ in range(65)]
    start = timezone.now() - timedelta(days=3)
    for index, comment in enumerate(comments):
        Comment.objects.filter(pk=comment.pk).update(
            risk_score=[0.2, 0.6, None][index % 3],
            created_at=start + timedelta(hours=index),
        )
    return comments


def ids(response: Any) -> list[int]:
    return [entry.comment.pk for entry in response.context["items"]]


def query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def test_queue_pages_follow_each_other_without_gaps_or_repeats_in_both_orders(
    client_of: Client, held: list[Comment]
) -> None:
    for order in ("risk", "age"):
        first = client_of.get(QUEUE_URL, {"order": order})
        assert len(ids(first)) == 50
        assert first.context["previous_url"] == ""
        second = client_of.get(QUEUE_URL + first.context["next_url"])
        assert len(ids(second)) == 15
        assert second.context["next_url"] == ""
        assert set(ids(first)).isdisjoint(ids(second))
        assert set(ids(first)) | set(ids(second)) == {c.pk for c in held}
        # Back from the second page: the same first page.
        back = client_of.get(QUEUE_URL + second.context["previous_url"])
        assert ids(back) == ids(first)
        assert back.context["previous_url"] == ""
    # Risk first: all 0.6, then the 0.2s and the unscored, each oldest first.
    first = client_of.get(QUEUE_URL)
    every = ids(first) + ids(client_of.get(QUEUE_URL + first.context["next_url"]))
    scores = dict(Comment.objects.values_list("pk", "risk_score"))
    times = dict(Comment.objects.values_list("pk", "created_at"))
    assert every == sorted(every, key=lambda pk: (-(scores[pk] or 0.0), times[pk], pk))


def test_pager_links_keep_the_filters_and_the_tabs_start_at_the_first_page(
    client_of: Client, held: list[Comment], home_site: Site
) -> None:
    section = Section.objects.create(site=home_site, name="Politik", slug="politik")
    held[0].article.section = section
    held[0].article.save(update_fields=["section"])
    first = client_of.get(QUEUE_URL, {"section": section.pk, "order": "age", "q": "Kommentar"})
    next_query = query(first.context["next_url"])
    assert next_query["section"] == str(section.pk)
    assert next_query["order"] == "age"
    assert next_query["q"] == "Kommentar"
    assert next_query["queue"] == "pending"
    second = client_of.get(QUEUE_URL + first.context["next_url"])
    assert 'rel="prev"' in second.content.decode()
    for tab in second.context["tabs"]:
        tab_query = query(tab["url"])
        assert "after" not in tab_query and "before" not in tab_query
        assert tab_query["section"] == str(section.pk)


def test_decided_queue_pages_newest_decision_first(
    mod: Any, held: list[Comment], client_of: Client
) -> None:
    now = timezone.now()
    for index, comment in enumerate(held):
        Comment.objects.filter(pk=comment.pk).update(
            status=CommentStatus.PUBLISHED,
            moderated_at=now - timedelta(minutes=index // 2),  # pairs decided together
            moderated_by=mod,
        )
    first = client_of.get(QUEUE_URL, {"queue": "decided"})
    second = client_of.get(QUEUE_URL + first.context["next_url"])
    every = ids(first) + ids(second)
    assert len(every) == 65 == len(set(every))
    decided = dict(Comment.objects.values_list("pk", "moderated_at"))
    assert every == sorted(every, key=lambda pk: (decided[pk], pk), reverse=True)


def test_a_page_costs_the_same_number_of_queries_as_the_first(
    client_of: Client, held: list[Comment], django_assert_num_queries: Any
) -> None:
    first = client_of.get(QUEUE_URL)  # warms the session
    next_url = QUEUE_URL + first.context["next_url"]
    client_of.get(next_url)
    with CaptureQueriesContext(connection) as captured:
        client_of.get(QUEUE_URL)
    on_first = len(captured.captured_queries)
    with django_assert_num_queries(on_first):
        response = client_of.get(next_url)
    assert len(ids(response)) == 15
    with django_assert_num_queries(on_first):
        client_of.get(QUEUE_URL + response.context["previous_url"])


def test_tab_counts_are_one_query_and_follow_the_filters(
    mod: Any,
    home_site: Site,
    article: Any,
    make_article: Callable[..., Any],
    make_comment: Callable[..., Any],
    other_reader: Any,
    django_assert_num_queries: Any,
) -> None:
    make_comment(article, body="Wartet auf Freigabe.")
    elsewhere = make_article(title="Woanders")
    make_comment(elsewhere, body="Wartet auch.")
    reported = make_comment(elsewhere, body="Gemeldet.")
    Comment.objects.filter(pk=reported.pk).update(status=CommentStatus.PUBLISHED, risk_score=0.8)
    Report.objects.create(comment=reported, reporter=other_reader, reason=ReportReason.INSULT)
    with django_assert_num_queries(1):
        counts = count_queues(mod)
    assert counts == {"pending": 2, "reported": 1, "flagged": 1}
    assert count_queues(mod, QueueFilter(article_id=article.pk)) == {
        "pending": 1,
        "reported": 0,
        "flagged": 0,
    }


def test_a_cursor_edited_by_hand_shows_the_first_page_and_says_so(
    client_of: Client, held: list[Comment]
) -> None:
    for cursor in ("x", "0.5~1", "abc~1~2026-01-01T00:00:00+00:00~3", "9e999~0~z~1"):
        response = client_of.get(QUEUE_URL, {"after": cursor})
        assert response.status_code == 200
        assert len(ids(response)) == 50
        assert "This page link is no longer valid" in response.content.decode()
    both = client_of.get(QUEUE_URL, {"after": "1", "before": "2"})
    assert both.status_code == 200
    assert "not both" in both.content.decode()


def test_get_queue_page_refuses_a_cursor_of_another_sort(mod: Any, held: list[Comment]) -> None:
    page = get_queue_page(mod, queue=Queue.PENDING, order=QueueOrder.AGE, limit=10)
    with pytest.raises(BadCursor):
        get_queue_page(mod, queue=Queue.PENDING, order=QueueOrder.RISK, after=page.next_cursor)
