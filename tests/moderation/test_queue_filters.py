"""Queue filters: author, topic, score range, date range, with mistakes said on the page."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from debatte.articles.models import Site, SiteMembership
from debatte.discussions.models import Comment

pytestmark = pytest.mark.django_db

QUEUE_URL = "/moderation/"


@pytest.fixture
def client_of(moderator: Any, home_site: Site) -> Client:
    moderator.language = "en"
    moderator.save(update_fields=["language"])
    SiteMembership.objects.create(site=home_site, user=moderator, role="moderator")
    client = Client()
    client.force_login(moderator)
    return client


def ids(client: Client, **params: Any) -> list[int]:
    response = client.get(QUEUE_URL, params)
    assert response.status_code == 200
    assert not response.context["errors"], response.context["errors"]
    return sorted(entry.comment.pk for entry in response.context["items"])


def test_filter_by_author_shows_only_their_comments_and_names_them(
    client_of: Client,
    home_site: Site,
    article: Any,
    reader: Any,
    other_reader: Any,
    make_comment: Callable[..., Any],
) -> None:
    mine = make_comment(article, author=reader)
    theirs = make_comment(article, author=other_reader)
    assert ids(client_of, author=other_reader.pk) == [theirs.pk]
    assert ids(client_of, author=reader.pk) == [mine.pk]
    page = client_of.get(QUEUE_URL, {"author": other_reader.pk}).content.decode()
    assert "Martin Köster" in page and "all authors" in page
    # Each item links to its author's comments.
    assert f"author={reader.pk}" in client_of.get(QUEUE_URL).content.decode()


def test_filter_by_topic_matches_one_of_the_articles_topics_exactly(
    client_of: Client, make_article: Callable[..., Any], make_comment: Callable[..., Any]
) -> None:
    climate = make_article(title="Klima", topics=["Klima", "Energie"])
    energy = make_article(title="Strom", topics=["Energie"])
    untagged = make_article(title="Ohne")
    on_climate = make_comment(climate)
    on_energy = make_comment(energy)
    make_comment(untagged)
    assert ids(client_of, topic="Klima") == [on_climate.pk]
    assert ids(client_of, topic="Energie") == sorted([on_climate.pk, on_energy.pk])
    assert ids(client_of, topic="Klim") == []
    assert ids(client_of, topic='Klima"]') == []
    page = client_of.get(QUEUE_URL).content.decode()
    assert "topic=Energie" in page  # the item's topics filter the queue


def test_filter_by_score_range_and_date_range(
    client_of: Client, article: Any, make_comment: Callable[..., Any]
) -> None:
    low, middle, high, unscored = (make_comment(article) for _ in range(4))
    now = timezone.now()
    for comment, score, days in ((low, 0.1, 10), (middle, 0.5, 5), (high, 0.9, 1)):
        Comment.objects.filter(pk=comment.pk).update(
            risk_score=score, created_at=now - timedelta(days=days)
        )
    assert ids(client_of, score_min="0.5") == sorted([middle.pk, high.pk])
    assert ids(client_of, score_min="0.2", score_max="0.6") == [middle.pk]
    assert ids(client_of, score_max="0.1") == [low.pk]
    today = timezone.localdate()
    assert ids(client_of, date_from=(today - timedelta(days=6)).isoformat()) == sorted(
        [middle.pk, high.pk, unscored.pk]
    )
    assert ids(
        client_of,
        date_from=(today - timedelta(days=6)).isoformat(),
        date_to=(today - timedelta(days=2)).isoformat(),
    ) == [middle.pk]
    assert ids(client_of, date_to=(today - timedelta(days=10)).isoformat()) == [low.pk]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"score_min": "2"}, "Score from: Ensure this value is less than or equal to 1.0."),
        ({"score_min": "abc"}, "Score from: Enter a number."),
        ({"score_min": "0.8", "score_max": "0.2"}, "must not be below the lower one"),
        ({"date_from": "2026-13-45"}, "Written from: Enter a valid date."),
        ({"date_from": "2026-05-02", "date_to": "2026-05-01"}, "must not be before the start"),
        ({"author": "x"}, "Author: Enter a whole number."),
        ({"author": "99999999999999999999"}, "Author: Ensure this value is less than"),
        ({"topic": "x" * 101}, "Topic: Ensure this value has at most 100 characters"),
        ({"q": "x" * 201}, "Search: Ensure this value has at most 200 characters"),
        ({"reason": "nonsense"}, "Reason: Select a valid choice."),
    ],
)
def test_a_mistake_in_a_filter_is_said_on_the_page_and_the_rest_still_applies(
    client_of: Client,
    article: Any,
    make_comment: Callable[..., Any],
    params: dict[str, str],
    message: str,
) -> None:
    comment = make_comment(article)
    Comment.objects.filter(pk=comment.pk).update(risk_score=0.9)
    response = client_of.get(QUEUE_URL, params)
    assert response.status_code == 200
    assert any(message in error for error in response.context["errors"])
    assert "Please check the filter" in response.content.decode()
    assert len(response.context["items"]) == 1  # the faulty field is left out of the filter


def test_filters_never_reach_another_sites_comments(
    client_of: Client, make_user: Callable[..., Any], make_comment: Callable[..., Any]
) -> None:
    from debatte.articles.models import Article

    away = Site.objects.create(name="Anderes Blatt", slug="anderes-blatt", moderation_mode="pre")
    away_article = Article.objects.create(
        site=away, key="anders", title="Anders", lead=".", topics=["Klima"]
    )
    stranger = make_user("Fremder")
    away_comment = make_comment(away_article, author=stranger)
    assert away_comment.status == "pending"
    assert ids(client_of, author=stranger.pk) == []
    assert ids(client_of, topic="Klima") == []
    assert ids(client_of, article=away_article.pk) == []
