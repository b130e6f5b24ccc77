"""The article page says when an open discussion will close by itself."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from debatte.articles.models import DiscussionStatus, Site, default_site_id

pytestmark = pytest.mark.django_db

PUBLISHED = datetime(2026, 3, 10, 13, 0, tzinfo=UTC)  # 14:00 in Berlin


def page(client, article, language="de"):
    url = reverse("article", kwargs={"article_key": article.key})
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()


@pytest.fixture
def now(monkeypatch):
    fixed = PUBLISHED + timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: fixed)
    return fixed


def test_auto_close_time_is_shown_in_german_and_english(client, make_article, now):
    Site.objects.filter(pk=default_site_id()).update(auto_close_days=3)
    article = make_article(published_at=PUBLISHED)

    assert article.closes_by_itself_at == PUBLISHED + timedelta(days=3)
    assert "Die Diskussion schließt am 13. März 2026 um 14:00 Uhr." in page(client, article)
    assert "The discussion closes on March 13, 2026 at 2 p.m." in page(client, article, "en")


def test_an_earlier_closing_time_of_the_article_wins(client, make_article, now):
    Site.objects.filter(pk=default_site_id()).update(auto_close_days=3)
    article = make_article(
        published_at=PUBLISHED, discussion_closes_at=PUBLISHED + timedelta(days=1, hours=5)
    )

    assert "Die Diskussion schließt am 11. März 2026 um 19:00 Uhr." in page(client, article)


def test_no_closing_line_without_a_closing_time_or_once_closed(client, make_article, now):
    article = make_article(published_at=PUBLISHED)
    assert article.closes_by_itself_at is None
    assert "Die Diskussion schließt am" not in page(client, article)

    Site.objects.filter(pk=default_site_id()).update(auto_close_days=3)
    closed = make_article(published_at=PUBLISHED, discussion_status=DiscussionStatus.CLOSED)
    assert closed.closes_by_itself_at is None
    assert "Die Diskussion schließt am" not in page(client, closed)
