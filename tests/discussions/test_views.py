"""The discussion page through the test client: what readers see and do."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from debatte.articles.models import DiscussionStatus
from debatte.discussions.models import Comment, CommentStatus, Report
from debatte.discussions.services import post_comment, recommend_comment, set_editor_pick

pytestmark = pytest.mark.django_db


def article_url(article, **params):
    url = reverse("article", kwargs={"article_key": article.key})
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def comment_url(name, comment):
    return reverse(
        name, kwargs={"article_key": comment.article.key, "comment_label": comment.url_label}
    )


def test_article_page_shows_article_and_numbered_comments(client, article, reader, other_reader):
    top = post_comment(article, author=reader, body="Erster Gedanke\nzweite Zeile")
    post_comment(article, author=other_reader, body="Widerspruch", parent=top)
    response = client.get(article_url(article), HTTP_ACCEPT_LANGUAGE="de")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nato betont Dialogbereitschaft" in html
    assert "<h2>Eine Zwischenüberschrift</h2>" in html
    assert 'id="kommentar-1"' in html and 'id="kommentar-1-1"' in html
    assert ">#1</a>" in html and ">#1.1</a>" in html
    assert "Erster Gedanke<br>zweite Zeile" in html
    assert "gerade eben</time>" in html
    assert "Kommentare" in html


def test_article_page_in_english(client, article, reader):
    post_comment(article, author=reader, body="Hello")
    Comment.objects.update(created_at=timezone.now() - timedelta(days=190))
    html = client.get(article_url(article), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "6 months ago</time>" in html
    assert "Comments" in html
    html = client.get(article_url(article), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "vor 6 Monaten</time>" in html


def test_reader_posts_comment_and_is_sent_to_its_permalink(client, article, reader):
    client.force_login(reader)
    response = client.post(reverse("comment-create", args=[article.key]), {"body": "Mein Beitrag"})
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert response["Location"].endswith("#kommentar-1")
    assert comment.author == reader
    assert comment.author_name == "Kapaster d.J."


def test_posting_requires_login(client, article):
    response = client.post(reverse("comment-create", args=[article.key]), {"body": "Anonym"})
    assert response.status_code == 302
    assert "/konto/login/" in response["Location"]
    assert not Comment.objects.exists()


def test_too_long_comment_is_refused_with_message_and_text_kept(client, article, reader):
    client.force_login(reader)
    text = "x" * 1501
    response = client.post(
        reverse("comment-create", args=[article.key]), {"body": text}, HTTP_ACCEPT_LANGUAGE="de"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "1501 Zeichen" in html
    assert text in html
    assert not Comment.objects.exists()


def test_reply_to_reply_shows_reply_to_link(client, article, reader, other_reader):
    top = post_comment(article, author=reader, body="Oben")
    reply = post_comment(article, author=other_reader, body="Mitte", parent=top)
    client.force_login(reader)
    response = client.post(comment_url("comment-reply", reply), {"body": "Unten"})
    assert response.status_code == 302
    answer = Comment.objects.get(body="Unten")
    assert answer.label == "#1.2"
    assert answer.parent_id == reply.pk
    html = client.get(article_url(article), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert 'href="#kommentar-1-1">Antwort auf #1.1</a>' in html


def test_closed_discussion_says_so_and_refuses_posts(client, make_article, reader):
    closed = make_article(discussion_status=DiscussionStatus.CLOSED)
    client.force_login(reader)
    html = client.get(article_url(closed), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Die Diskussion ist geschlossen" in html
    assert 'id="comment-form"' not in html
    response = client.post(reverse("comment-create", args=[closed.key]), {"body": "Trotzdem"})
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_article_without_discussion_has_no_comment_section(client, make_article):
    silent = make_article(discussion_status=DiscussionStatus.NONE)
    html = client.get(article_url(silent)).content.decode()
    assert 'id="kommentare"' not in html


def test_recommend_through_form_and_json(client, article, reader, other_reader):
    comment = post_comment(article, author=reader, body="Empfehlenswert")
    client.force_login(other_reader)
    response = client.post(comment_url("comment-recommend", comment))
    assert response.status_code == 302
    response = client.post(
        comment_url("comment-recommend", comment), HTTP_ACCEPT="application/json"
    )
    assert response.json() == {"recommended": True, "count": 1}
    response = client.post(
        comment_url("comment-recommend", comment), {"withdraw": "1"}, HTTP_ACCEPT="application/json"
    )
    assert response.json() == {"recommended": False, "count": 0}


def test_own_comment_cannot_be_recommended(client, article, reader):
    comment = post_comment(article, author=reader, body="Meins")
    client.force_login(reader)
    response = client.post(
        comment_url("comment-recommend", comment), HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"] == "forbidden"
    comment.refresh_from_db()
    assert comment.recommendation_count == 0


def test_report_comment_with_reason(client, article, reader, other_reader):
    comment = post_comment(article, author=reader, body="Frech")
    client.force_login(other_reader)
    assert client.get(comment_url("comment-report", comment)).status_code == 200
    response = client.post(comment_url("comment-report", comment), {"reason": "insult"})
    assert response.status_code == 302
    assert Report.objects.get().reason == "insult"
    response = client.post(comment_url("comment-report", comment), {"reason": "bogus"})
    assert response.status_code == 400


def test_edit_within_window_shows_edited_mark(client, article, reader):
    comment = post_comment(article, author=reader, body="Alt")
    client.force_login(reader)
    response = client.post(comment_url("comment-edit", comment), {"body": "Neu"})
    assert response.status_code == 302
    html = client.get(article_url(article), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Neu" in html and ">bearbeitet</span>" in html


def test_edit_by_other_reader_is_refused(client, article, reader, other_reader):
    comment = post_comment(article, author=reader, body="Alt")
    client.force_login(other_reader)
    response = client.post(comment_url("comment-edit", comment), {"body": "Fremd"})
    assert response.status_code == 404  # as for a held comment: nothing tells them apart
    comment.refresh_from_db()
    assert comment.body == "Alt"


def test_delete_leaves_tombstone_visible(client, article, reader, other_reader):
    comment = post_comment(article, author=reader, body="Bald weg")
    post_comment(article, author=other_reader, body="Antwort bleibt", parent=comment)
    client.force_login(reader)
    response = client.post(comment_url("comment-delete", comment))
    assert response.status_code == 302
    html = client.get(article_url(article), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Bald weg" not in html
    assert "vom Verfasser gelöscht" in html
    assert "Antwort bleibt" in html
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.DELETED


def test_sorting_and_editor_picks_filter(client, article, reader, other_reader, moderator):
    first = post_comment(article, author=reader, body="Erster")
    second = post_comment(article, author=reader, body="Zweiter")
    recommend_comment(second, user=other_reader)
    set_editor_pick(first, actor=moderator)

    def order(**params):
        html = client.get(article_url(article, **params)).content.decode()
        return [html.index("Erster"), html.index("Zweiter")] if "Zweiter" in html else html

    oldest = order()
    assert oldest[0] < oldest[1]
    newest = order(sort="newest")
    assert newest[0] > newest[1]
    recommended = order(sort="recommended")
    assert recommended[0] > recommended[1]
    picks = client.get(article_url(article, filter="editors"), HTTP_ACCEPT_LANGUAGE="de")
    html = picks.content.decode()
    assert "Erster" in html and "Zweiter" not in html
    assert "Redaktionsempfehlung" in html


def test_pages_of_top_level_comments_and_permalink_to_later_page(client, article, reader, settings):
    settings.DEBATTE = {**settings.DEBATTE, "COMMENTS_PER_PAGE": 2}
    comments = [post_comment(article, author=reader, body=f"Nummer {i}") for i in range(1, 6)]
    html = client.get(article_url(article)).content.decode()
    assert "Nummer 1" in html and "Nummer 2" in html and "Nummer 3" not in html
    assert "after=2" in html
    second = client.get(article_url(article, after=2)).content.decode()
    assert "Nummer 3" in second and "Nummer 4" in second and "Nummer 1" not in second
    assert "before=3" in second
    back = client.get(article_url(article, before=3)).content.decode()
    assert "Nummer 1" in back and "Nummer 3" not in back
    response = client.get(comments[4].get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].endswith("?after=4#kommentar-5")
    assert "Nummer 5" in client.get(response["Location"]).content.decode()


def test_long_reply_list_is_collapsed_and_expands(client, article, reader, other_reader):
    top = post_comment(article, author=reader, body="Thema")
    for i in range(1, 6):
        post_comment(article, author=other_reader, body=f"Antwort {i}", parent=top)
    html = client.get(article_url(article), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Antwort 3" in html and "Antwort 4" not in html
    assert "2 weitere Antworten anzeigen" in html
    expanded = client.get(article_url(article, thread=1)).content.decode()
    assert "Antwort 5" in expanded
    reply = Comment.objects.get(body="Antwort 5")
    location = client.get(reply.get_absolute_url())["Location"]
    assert "thread=1" in location and location.endswith("#kommentar-1-5")


def test_bad_cursor_is_not_found_not_a_server_error(client, article):
    assert client.get(article_url(article, after="x")).status_code == 404
    assert client.get(article_url(article, sort="recommended", after="1")).status_code == 404
    assert client.get(article_url(article, sort="bogus")).status_code == 200


def test_unknown_comment_and_article_are_not_found(client, article):
    assert client.get("/artikel/missing/").status_code == 404
    assert client.get(f"/artikel/{article.key}/kommentar/9/").status_code == 404
    assert client.get(f"/artikel/{article.key}/kommentar/a.b/").status_code == 404


def test_front_page_links_articles_with_comment_counts(client, article, reader):
    post_comment(article, author=reader, body="Hallo")
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert article.get_absolute_url() in html
    assert "1 Kommentar" in html


def test_state_changes_require_csrf_token(article, reader):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    response = client.post(reverse("comment-create", args=[article.key]), {"body": "Ohne Token"})
    assert response.status_code == 403
    assert not Comment.objects.exists()
