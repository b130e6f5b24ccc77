"""Recommending, reporting and editing are limited per reader and per client address."""

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from debatte.core.throttle import Throttled
from debatte.discussions.models import Comment, Recommendation, Report
from debatte.discussions.services import post_comment, recommend_comment
from debatte.discussions.services.throttling import DEFAULTS, action_limit

pytestmark = pytest.mark.django_db


def limit(settings: Any, action: str, **values: int) -> None:
    throttles = {**settings.DEBATTE.get("ACTION_THROTTLES", {}), action: values}
    settings.DEBATTE = {**settings.DEBATTE, "ACTION_THROTTLES": throttles}


def url(name: str, comment: Comment) -> str:
    return reverse(
        name, kwargs={"article_key": comment.article.key, "comment_label": comment.url_label}
    )


def comments(article: Any, author: Any, n: int) -> list[Comment]:
    return [post_comment(article, author=author, body=f"Kommentar {i}.") for i in range(n)]


def test_the_defaults_and_their_settings(settings: Any) -> None:
    assert (DEFAULTS["recommend"].per_reader, DEFAULTS["recommend"].seconds) == (60, 600)
    assert (DEFAULTS["report"].per_reader, DEFAULTS["report"].seconds) == (20, 3600)
    assert (DEFAULTS["edit"].per_reader, DEFAULTS["edit"].seconds) == (30, 3600)
    limit(settings, "report", per_reader=5)
    assert action_limit("report").per_reader == 5
    assert action_limit("report").seconds == 3600


def test_recommending_too_often_answers_429_with_retry_after(
    client: Any, settings: Any, article: Any, reader: Any, other_reader: Any
) -> None:
    limit(settings, "recommend", per_reader=2, seconds=3600)
    first, second, third = comments(article, reader, 3)
    client.force_login(other_reader)

    for comment in (first, second):
        response = client.post(url("comment-recommend", comment), HTTP_ACCEPT="application/json")
        assert response.status_code == 200
    response = client.post(
        url("comment-recommend", third), HTTP_ACCEPT="application/json", HTTP_ACCEPT_LANGUAGE="de"
    )

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert response.json()["error"] == "throttled"
    assert "Bitte versuchen Sie es in" in response.json()["message"]
    assert Recommendation.objects.count() == 2


def test_a_throttled_recommendation_without_javascript_shows_the_message(
    client: Any, settings: Any, article: Any, reader: Any, other_reader: Any
) -> None:
    limit(settings, "recommend", per_reader=1, seconds=3600)
    first, second = comments(article, reader, 2)
    client.force_login(other_reader)
    client.post(url("comment-recommend", first))

    response = client.post(url("comment-recommend", second), follow=True, HTTP_ACCEPT_LANGUAGE="en")

    assert "You have recommended very many comments in a short time." in response.content.decode()
    assert Recommendation.objects.count() == 1


def test_withdrawing_counts_as_recommending(
    settings: Any, article: Any, reader: Any, other_reader: Any
) -> None:
    from debatte.discussions.services import withdraw_recommendation

    limit(settings, "recommend", per_reader=2, seconds=3600)
    (comment,) = comments(article, reader, 1)
    recommend_comment(comment, user=other_reader)
    withdraw_recommendation(comment, user=other_reader)
    with pytest.raises(Throttled):
        recommend_comment(comment, user=other_reader)


def test_one_address_is_limited_across_readers(
    settings: Any, article: Any, reader: Any, make_user: Callable[..., Any]
) -> None:
    limit(settings, "recommend", per_reader=100, per_address=2, seconds=3600)
    first, second, third = comments(article, reader, 3)
    recommend_comment(first, user=make_user(), ip_address="203.0.113.5")
    recommend_comment(second, user=make_user(), ip_address="203.0.113.5")
    recommend_comment(second, user=make_user(), ip_address="198.51.100.1")  # another address

    with pytest.raises(Throttled) as refused:
        recommend_comment(third, user=make_user(), ip_address="203.0.113.5")

    assert refused.value.retry_after > 0


def test_reporting_too_often_keeps_the_form_and_says_why(
    client: Any, settings: Any, article: Any, reader: Any, other_reader: Any
) -> None:
    limit(settings, "report", per_reader=1, seconds=3600)
    first, second = comments(article, reader, 2)
    client.force_login(other_reader)
    assert client.post(url("comment-report", first), {"reason": "spam"}).status_code == 302

    response = client.post(
        url("comment-report", second),
        {"reason": "other", "explanation": "Stimmt nicht."},
        HTTP_ACCEPT_LANGUAGE="de",
    )

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "Sie haben in kurzer Zeit sehr viele Kommentare gemeldet." in html
    assert "Stimmt nicht." in html
    assert Report.objects.count() == 1


def test_editing_too_often_keeps_the_text(
    client: Any, settings: Any, article: Any, reader: Any
) -> None:
    limit(settings, "edit", per_reader=1, seconds=3600)
    (comment,) = comments(article, reader, 1)
    client.force_login(reader)
    assert client.post(url("comment-edit", comment), {"body": "Erste Fassung."}).status_code == 302

    response = client.post(
        url("comment-edit", comment), {"body": "Zweite Fassung."}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 429
    html = response.content.decode()
    assert "You have edited comments very often in a short time." in html
    assert "Zweite Fassung." in html
    comment.refresh_from_db()
    assert comment.body == "Erste Fassung."
