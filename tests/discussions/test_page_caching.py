"""The article page's ETags, Cache-Control and the anonymous readers' render cache."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from debatte.core import caching
from debatte.discussions.models import Comment, CommentStatus
from debatte.discussions.services import post_comment, recommend_comment
from debatte.moderation.models import Reason
from debatte.moderation.services.decisions import reject_comment

pytestmark = pytest.mark.django_db


def page_url(article, query=""):
    return reverse("article", kwargs={"article_key": article.key}) + query


def pressed(html):
    """The aria-pressed state of each recommend button, in page order."""
    return re.findall(r'aria-pressed="(true|false)"', html)


@pytest.fixture(autouse=True)
def period(monkeypatch):
    """The page's time period (relative ages), held still so that a test never straddles two."""
    current = [1]
    monkeypatch.setattr(caching, "time_period", lambda: current[0])
    return current


def test_article_page_answers_304_when_the_etag_matches(client, article, make_comment):
    make_comment(article)
    first = client.get(page_url(article))
    assert first.status_code == 200
    etag = first["ETag"]
    assert etag.startswith('W/"')

    again = client.get(page_url(article), headers={"if-none-match": etag})

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag


def test_anonymous_article_page_may_be_kept_by_a_cdn_that_revalidates(client, article):
    response = client.get(page_url(article))
    cache_control = set(response["Cache-Control"].split(", "))
    # Shared caches (nginx, a CDN) may serve it for two seconds; browsers always revalidate.
    assert cache_control == {"public", "max-age=0", "must-revalidate", "s-maxage=2"}
    assert {"Cookie", "Accept-Language"} <= set(response["Vary"].split(", "))


def test_shared_cache_period_is_a_setting_and_zero_means_revalidate(client, article, settings):
    settings.DEBATTE = {**settings.DEBATTE, "SHARED_CACHE_SECONDS": 5}
    assert "s-maxage=5" in client.get(page_url(article))["Cache-Control"]
    settings.DEBATTE = {**settings.DEBATTE, "SHARED_CACHE_SECONDS": 0}
    response = client.get(page_url(article))
    assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=0", "must-revalidate"}


def test_anonymous_page_showing_a_one_off_message_is_not_shared(client, article, reader):
    client.force_login(reader)
    assert client.post(reverse("account_logout")).status_code == 302
    response = client.get(page_url(article))
    assert list(response.context["messages"]), "the sign-out message is shown on this page"
    cache_control = response["Cache-Control"]
    assert "s-maxage" not in cache_control
    assert "public" not in cache_control
    assert "private" in cache_control


def test_signed_in_article_page_is_private_and_revalidated(client, article, reader):
    client.force_login(reader)
    response = client.get(page_url(article))
    assert set(response["Cache-Control"].split(", ")) == {"private", "no-cache"}
    assert "Cookie" in response["Vary"]


def test_article_page_etag_changes_after_a_post(client, article, make_comment):
    before = client.get(page_url(article))["ETag"]
    make_comment(article)
    after = client.get(page_url(article), headers={"if-none-match": before})
    assert after.status_code == 200
    assert after["ETag"] != before


def test_article_page_is_rendered_afresh_in_the_next_period(client, article, period):
    before = client.get(page_url(article))["ETag"]
    period[0] += 1
    after = client.get(page_url(article), headers={"if-none-match": before})
    assert after.status_code == 200
    assert after["ETag"] != before


def test_article_page_etag_depends_on_parameters_language_and_reader(client, article, reader):
    etags = {
        client.get(page_url(article), headers={"accept-language": "de"})["ETag"],
        client.get(page_url(article), headers={"accept-language": "en"})["ETag"],
        client.get(page_url(article, "?sort=newest"), headers={"accept-language": "de"})["ETag"],
    }
    client.force_login(reader)
    etags.add(client.get(page_url(article), headers={"accept-language": "de"})["ETag"])
    assert len(etags) == 4


def test_anonymous_cached_page_shows_a_new_comment_at_once(client, article, reader):
    assert "Erster Gedanke" not in client.get(page_url(article)).content.decode()
    writer = Client()
    writer.force_login(reader)
    posted = writer.post(reverse("comment-create", args=[article.key]), {"body": "Erster Gedanke"})
    assert posted.status_code == 302

    assert "Erster Gedanke" in client.get(page_url(article)).content.decode()


def test_anonymous_cached_page_drops_a_rejected_comment_at_once(
    client, article, make_comment, site_moderator
):
    comment = make_comment(article, body="Eine Unterstellung.")
    assert "Eine Unterstellung." in client.get(page_url(article)).content.decode()
    reason = Reason.objects.create(
        site=article.site, code="sachlich", kind="reject", label="Unsachlich", text="Sachlich!"
    )
    reject_comment(comment, moderator=site_moderator, reason=reason)

    html = client.get(page_url(article)).content.decode()
    assert "Eine Unterstellung." not in html
    assert "Sachlich!" in html


def test_cached_anonymous_page_is_served_with_one_query(
    client, article, make_comment, django_assert_max_num_queries, django_assert_num_queries
):
    for _ in range(30):
        make_comment(article)
    first = client.get(page_url(article))
    with django_assert_num_queries(1):  # the article: its version names the stored page
        hit = client.get(page_url(article))
    assert hit.content == first.content
    with django_assert_max_num_queries(1):
        revalidated = client.get(page_url(article), headers={"if-none-match": hit["ETag"]})
    assert revalidated.status_code == 304


def test_anonymous_page_carries_no_csrf_token_and_sets_no_cookie(client, article, make_comment):
    make_comment(article)
    response = client.get(page_url(article))
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert not response.cookies


def test_language_switch_works_for_an_anonymous_reader_without_a_token(article):
    client = Client(enforce_csrf_checks=True)
    html = client.get(page_url(article)).content.decode()
    assert 'class="language-switch"' in html
    response = client.post(reverse("set_language"), {"language": "en", "next": page_url(article)})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    assert "Comments" in client.get(page_url(article)).content.decode()


def test_language_switch_needs_the_token_from_a_signed_in_reader(article, reader):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    refused = client.post(reverse("set_language"), {"language": "en"})
    assert refused.status_code == 403
    html = client.get(page_url(article)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token is not None
    allowed = client.post(
        reverse("set_language"), {"language": "en", "csrfmiddlewaretoken": token.group(1)}
    )
    assert allowed.status_code == 302


def test_recommend_by_one_reader_is_not_shown_as_anothers(
    client, article, make_comment, reader, other_reader, make_user
):
    comment = make_comment(article, author=make_user("Dritte"))
    client.get(page_url(article))  # an anonymous reader's page is cached meanwhile
    recommend_comment(comment, user=reader)

    as_reader = Client()
    as_reader.force_login(reader)
    as_other = Client()
    as_other.force_login(other_reader)
    reader_page = as_reader.get(page_url(article))
    other_page = as_other.get(page_url(article))

    assert pressed(reader_page.content.decode()) == ["true"]
    assert pressed(other_page.content.decode()) == ["false"]
    assert reader_page["ETag"] != other_page["ETag"]
    # Another reader's ETag never answers for this one.
    replayed = as_other.get(page_url(article), headers={"if-none-match": reader_page["ETag"]})
    assert replayed.status_code == 200
    assert pressed(replayed.content.decode()) == ["false"]


def test_held_comment_is_shown_to_its_author_only(client, article, reader, other_reader):
    article.moderation_mode = "pre"
    article.save(update_fields=["moderation_mode"])
    client.get(page_url(article))  # cached for anonymous readers before the post
    held = post_comment(article, author=reader, body="Noch nicht geprüft.")
    assert Comment.objects.get(pk=held.pk).status == CommentStatus.PENDING

    author = Client()
    author.force_login(reader)
    someone = Client()
    someone.force_login(other_reader)
    assert "Noch nicht geprüft." in author.get(page_url(article)).content.decode()
    assert "Noch nicht geprüft." not in someone.get(page_url(article)).content.decode()
    assert "Noch nicht geprüft." not in client.get(page_url(article)).content.decode()
