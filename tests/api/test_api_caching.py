"""The comment list's ETags, Cache-Control and the anonymous readers' response cache."""

import pytest

from debatte.discussions.services import recommend_comment
from debatte.moderation.services.decisions import reject_comment

pytestmark = pytest.mark.django_db

THREAD = "/articles/nato-dialog/comments"


def labels(response):
    return [item["label"] for item in response.json()["items"]]


def test_comment_list_answers_304_when_the_etag_matches(anonymous, article, make_comment):
    make_comment(article)
    first = anonymous.get(THREAD)
    assert first.status_code == 200
    assert first["Content-Type"] == "application/json; charset=utf-8"

    again = anonymous.get(THREAD, headers={"if-none-match": first["ETag"]})

    assert again.status_code == 304
    assert again.content == b""


def test_comment_list_cache_control_by_reader(anonymous, reader_api, article):
    public = anonymous.get(THREAD)
    assert set(public["Cache-Control"].split(", ")) == {
        "public",
        "max-age=0",
        "must-revalidate",
        "s-maxage=2",
    }
    assert {"Cookie", "Authorization"} <= set(public["Vary"].split(", "))
    private = reader_api.get(THREAD)
    assert set(private["Cache-Control"].split(", ")) == {"private", "no-cache"}


def test_comment_list_etag_depends_on_parameters(anonymous, article, make_comment):
    make_comment(article)
    etags = {
        anonymous.get(THREAD)["ETag"],
        anonymous.get(THREAD, data={"sort": "newest"})["ETag"],
        anonymous.get(THREAD, data={"limit": 1})["ETag"],
        anonymous.get(THREAD, data={"picks": "true"})["ETag"],
    }
    assert len(etags) == 4


def test_comment_list_shows_a_post_at_once_with_a_new_etag(
    anonymous, reader_api, article, make_comment
):
    make_comment(article)
    before = anonymous.get(THREAD)
    assert labels(before) == ["#1"]
    assert reader_api.post(THREAD, {"body": "Über die API."}).status_code == 201

    after = anonymous.get(THREAD, headers={"if-none-match": before["ETag"]})

    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert labels(after) == ["#1", "#2"]


def test_comment_list_shows_a_rejection_at_once(
    anonymous, article, make_comment, site_moderator, reject_reason
):
    comment = make_comment(article)
    assert anonymous.get(THREAD).json()["items"][0]["status"] == "published"
    reject_comment(comment, moderator=site_moderator, reason=reject_reason)
    assert anonymous.get(THREAD).json()["items"][0]["status"] == "rejected"


def test_cached_comment_list_is_served_with_one_query(
    anonymous, article, make_comment, django_assert_num_queries
):
    for _ in range(30):
        make_comment(article)
    first = anonymous.get(THREAD)
    with django_assert_num_queries(1):  # the article: its version names the stored list
        hit = anonymous.get(THREAD)
    assert hit.content == first.content


def test_cached_comment_list_is_the_same_as_the_rendered_one(anonymous, article, make_comment):
    make_comment(article)
    stored = anonymous.get(THREAD).json()
    assert anonymous.get(THREAD).json() == stored
    assert stored["article"]["version"] == 1


def test_recommend_by_one_reader_is_not_shown_as_anothers(
    anonymous, reader_api, other_reader_api, article, make_comment, make_user, reader
):
    comment = make_comment(article, author=make_user("Dritte"))
    anonymous.get(THREAD)  # cached for anonymous readers meanwhile
    recommend_comment(comment, user=reader)

    mine = reader_api.get(THREAD)
    theirs = other_reader_api.get(THREAD)

    assert mine.json()["items"][0]["recommended_by_me"] is True
    assert theirs.json()["items"][0]["recommended_by_me"] is False
    assert anonymous.get(THREAD).json()["items"][0]["recommended_by_me"] is None
    replayed = other_reader_api.get(THREAD, headers={"if-none-match": mine["ETag"]})
    assert replayed.status_code == 200
    assert replayed.json()["items"][0]["recommended_by_me"] is False


def test_site_token_gets_the_anonymous_list(anonymous, token_api, article, make_comment):
    make_comment(article)
    assert token_api.get(THREAD).json() == anonymous.get(THREAD).json()
