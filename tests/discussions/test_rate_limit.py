"""The per-reader rate limit, also under a burst of simultaneous posts.

The moderation pipeline counts a reader's recent comments before the posting transaction, so
simultaneous posts all saw the same count and a burst could pass the limit by its size. Posting
now counts again inside its transaction (serialised: IMMEDIATE on SQLite, the reader's row
locked on PostgreSQL). Runs against whichever database DATABASE_URL names.
"""

import time
from types import SimpleNamespace
from typing import Any

import pytest
from concurrent_readers import Browser, logged_in_browser, poster, run_together
from django.urls import reverse

from debatte.core.exceptions import ActionError
from debatte.discussions.models import Comment
from debatte.discussions.services import posting
from debatte.discussions.services.activity import WriterFacts
from debatte.moderation.pipeline import RecentActivity

LIMIT = 3
BURST = 12


def score_slowly(text: str) -> SimpleNamespace:
    """A scorer as slow as a busy classifier: it keeps every post of a burst in the pipeline,
    between counting and writing, at the same time."""
    time.sleep(0.05)
    return SimpleNamespace(score=0.0, reasons=[])


@pytest.fixture
def limited_article(article: Any) -> Any:
    site = article.site
    site.rate_limit_per_minute = LIMIT
    site.save(update_fields=["rate_limit_per_minute"])
    return article


@pytest.fixture
def counts_from_before_the_burst(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pipeline sees the counts every post of a burst saw: none of the others yet."""

    def nothing_yet(author: Any, *, site: Any, **kwargs: Any) -> WriterFacts:
        return WriterFacts(0, RecentActivity(rate_limit_per_minute=site.rate_limit_per_minute))

    monkeypatch.setattr(posting, "writer_facts", nothing_yet)


def test_post_comment_refuses_a_reader_over_the_rate_limit(limited_article, reader):
    for n in range(LIMIT):
        posting.post_comment(limited_article, author=reader, body=f"Beitrag {n}")

    with pytest.raises(ActionError) as refused:
        posting.post_comment(limited_article, author=reader, body="Einer zu viel")

    assert refused.value.code == "rate_limited"
    assert Comment.objects.filter(author=reader).count() == LIMIT


def test_post_comment_checks_the_rate_limit_again_inside_its_transaction(
    limited_article, reader, counts_from_before_the_burst
):
    for n in range(LIMIT):
        posting.post_comment(limited_article, author=reader, body=f"Beitrag {n}")

    with pytest.raises(ActionError) as refused:
        posting.post_comment(limited_article, author=reader, body="Einer zu viel")

    assert refused.value.code == "rate_limited"
    assert Comment.objects.filter(author=reader).count() == LIMIT
    limited_article.refresh_from_db()
    assert limited_article.last_comment_number == LIMIT  # the refused post took no number


def test_post_comment_checks_for_a_repeated_text_again_inside_its_transaction(
    article, reader, counts_from_before_the_burst
):
    posting.post_comment(article, author=reader, body="Zweimal abgeschickt.")

    with pytest.raises(ActionError) as refused:
        posting.post_comment(article, author=reader, body="Zweimal abgeschickt.")

    assert refused.value.code == "repeated"
    assert Comment.objects.filter(author=reader).count() == 1


def test_rate_limit_holds_for_simultaneous_posts_of_one_reader(
    live_server, make_user, limited_article, settings
):
    settings.DEBATTE = {**settings.DEBATTE, "SCORER": f"{__name__}.score_slowly"}
    reader = make_user(password=None)
    article_path = reverse("article", kwargs={"article_key": limited_article.key})
    create_path = reverse("comment-create", kwargs={"article_key": limited_article.key})
    first = logged_in_browser(live_server, reader)
    token = first.csrf_token_from(article_path)
    # One reader, several tabs (one connection each), all sending at the same instant.
    tabs = [Browser(first.base_url, dict(first.cookies)) for _ in range(BURST)]
    tasks = [poster(tab, create_path, token, [f"Gleichzeitig {n}"]) for n, tab in enumerate(tabs)]

    responses = run_together(tasks)

    statuses = sorted(response.status for response in responses)
    assert statuses == [302] * LIMIT + [400] * (BURST - LIMIT), statuses
    assert Comment.objects.filter(author=reader).count() == LIMIT
    limited_article.refresh_from_db()
    assert limited_article.last_comment_number == LIMIT
    assert limited_article.comment_count == LIMIT
