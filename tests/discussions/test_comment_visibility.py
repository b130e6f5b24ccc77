"""Held and removed comments through the pages that name a comment by its number.

Readers see published comments and tombstones; a held comment only its author. Editing and
deleting are the author's alone, and answering, recommending and reporting need a published
comment: anything else is "not found", so the pages neither show a held text nor tell it exists.
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from debatte.articles.models import Article, Site
from debatte.discussions.models import Comment, CommentStatus, Recommendation, Report
from debatte.discussions.services import post_comment
from debatte.discussions.services.status import change_status

pytestmark = pytest.mark.django_db

HELD_TEXT = "Noch nicht freigegebener Geheimtext."
REMOVED_TEXT = "Entfernter Text, den niemand mehr lesen soll."


def url(name: str, comment: Comment) -> str:
    return reverse(
        name, kwargs={"article_key": comment.article.key, "comment_label": comment.url_label}
    )


def set_status(comment: Comment, status: str) -> Comment:
    with transaction.atomic():
        change_status(comment, status)
    return comment


@pytest.fixture
def held(article: Article, reader: Any) -> Comment:
    comment = post_comment(article, author=reader, body=HELD_TEXT)
    return set_status(comment, CommentStatus.PENDING)


@pytest.fixture
def removed(article: Article, reader: Any) -> Comment:
    comment = post_comment(article, author=reader, body=REMOVED_TEXT)
    return set_status(comment, CommentStatus.REJECTED)


@pytest.mark.parametrize(
    "name", ["comment-edit", "comment-delete", "comment-report", "comment-reply"]
)
@pytest.mark.parametrize("which", ["held", "removed"])
def test_other_readers_cannot_open_a_held_or_removed_comment(
    client: Any, other_reader: Any, request: Any, name: str, which: str
) -> None:
    comment = request.getfixturevalue(which)
    client.force_login(other_reader)

    response = client.get(url(name, comment))

    assert response.status_code == 404
    assert HELD_TEXT not in response.content.decode()
    assert REMOVED_TEXT not in response.content.decode()


def test_the_permalink_of_a_held_comment_is_not_found_for_others(
    client: Any, held: Comment, reader: Any, other_reader: Any
) -> None:
    assert client.get(url("comment-permalink", held)).status_code == 404
    client.force_login(other_reader)
    assert client.get(url("comment-permalink", held)).status_code == 404
    client.force_login(reader)
    assert client.get(url("comment-permalink", held)).status_code == 302


def test_a_tombstones_permalink_still_works(client: Any, removed: Comment) -> None:
    assert client.get(url("comment-permalink", removed)).status_code == 302


def test_editing_and_deleting_anothers_published_comment_is_not_found(
    client: Any, article: Article, reader: Any, other_reader: Any
) -> None:
    comment = post_comment(article, author=reader, body="Mein Text.")
    client.force_login(other_reader)

    assert client.get(url("comment-edit", comment)).status_code == 404
    assert client.post(url("comment-edit", comment), {"body": "Fremd."}).status_code == 404
    assert client.get(url("comment-delete", comment)).status_code == 404
    assert client.post(url("comment-delete", comment)).status_code == 404
    comment.refresh_from_db()
    assert comment.body == "Mein Text." and comment.status == CommentStatus.PUBLISHED


def test_the_author_edits_their_held_comment(client: Any, held: Comment, reader: Any) -> None:
    client.force_login(reader)

    response = client.get(url("comment-edit", held))

    assert response.status_code == 200
    assert HELD_TEXT in response.content.decode()


def test_posts_to_a_held_comment_are_not_found(
    client: Any, held: Comment, other_reader: Any
) -> None:
    client.force_login(other_reader)

    assert client.post(url("comment-reply", held), {"body": "Antwort."}).status_code == 404
    assert client.post(url("comment-report", held), {"reason": "spam"}).status_code == 404
    recommend = client.post(url("comment-recommend", held), HTTP_ACCEPT="application/json")
    assert recommend.status_code == 404
    assert not Report.objects.exists() and not Recommendation.objects.exists()
    assert Comment.objects.count() == 1


def test_a_removed_comment_cannot_be_answered_or_recommended(
    client: Any, removed: Comment, other_reader: Any
) -> None:
    client.force_login(other_reader)

    assert client.get(url("comment-reply", removed)).status_code == 404
    recommend = client.post(url("comment-recommend", removed), HTTP_ACCEPT="application/json")
    assert recommend.status_code == 404


def test_a_recommendation_of_a_removed_comment_can_be_withdrawn(
    client: Any, article: Article, reader: Any, other_reader: Any
) -> None:
    comment = post_comment(article, author=reader, body="Erst gut, dann entfernt.")
    client.force_login(other_reader)
    client.post(url("comment-recommend", comment), HTTP_ACCEPT="application/json")
    set_status(comment, CommentStatus.REJECTED)

    response = client.post(
        url("comment-recommend", comment), {"withdraw": "1"}, HTTP_ACCEPT="application/json"
    )

    assert response.json() == {"recommended": False, "count": 0}


def test_the_embed_does_not_point_at_a_held_comment(
    client: Any, make_user: Callable[..., Any], other_reader: Any
) -> None:
    site = Site.objects.create(
        name="Beispiel", slug="beispiel", allowed_origins="https://www.example.org"
    )
    article = Article.objects.create(site=site, key="beispiel:a-1", title="Eingebettet")
    comment = post_comment(article, author=make_user("Autorin"), body=HELD_TEXT)
    set_status(comment, CommentStatus.PENDING)
    client.force_login(other_reader)
    page = reverse("embed-discussion", kwargs={"site_slug": "beispiel", "external_key": "a-1"})

    html = client.get(page + "?comment=1").content.decode()
    assert 'data-target="kommentar-1"' not in html and "kommentar-1" not in html

    create = reverse("embed-comment-create", args=["beispiel", "a-1"])
    response = client.post(create, {"body": "Eine Antwort.", "reply_to": "1"})
    assert response.status_code == 400
    assert Comment.objects.count() == 1


def test_one_selector_applies_the_rule(
    article: Article, held: Comment, reader: Any, other_reader: Any
) -> None:
    from debatte.discussions.selectors import Access, get_comment_for

    assert get_comment_for(article, "1", viewer=None) is None
    assert get_comment_for(article, "#1", viewer=other_reader) is None
    assert get_comment_for(article, "1", viewer=reader) == held
    assert get_comment_for(article, "1", viewer=reader, access=Access.OWN) == held
    assert get_comment_for(article, "1", viewer=other_reader, access=Access.OWN) is None
    assert get_comment_for(article, "1", viewer=reader, access=Access.RESPOND) is None
    set_status(held, CommentStatus.PUBLISHED)
    assert get_comment_for(article, "1", viewer=other_reader, access=Access.RESPOND) == held
    assert get_comment_for(article, "x.1", viewer=reader) is None
