"""Comment numbers under real concurrent HTTP requests (issue 2, item 4).

Several readers post at the same moment through a live, threaded server: every post must get its
own number, the numbers must be exactly 1..N in order of writing, and the counters must agree.
Runs against whichever database DATABASE_URL names (SQLite by default, PostgreSQL in CI).
"""

import re

import pytest
from concurrent_readers import Response, logged_in_browser, poster, run_together
from django.urls import reverse

from debatte.discussions.models import Comment, CommentStatus
from debatte.discussions.services import post_comment

READERS = 8
POSTS_PER_READER = 10
REPLIES_PER_READER = 5

ANCHOR = re.compile(r"#kommentar-(\d+)(?:-(\d+))?$")


def labels_in_redirects(responses: list[Response]) -> list[tuple[int, int]]:
    """(number, reply number) of the comment each redirect points at."""
    labels = []
    for response in responses:
        match = ANCHOR.search(response.location)
        assert match, f"redirect without a comment anchor: {response.location!r}"
        labels.append((int(match.group(1)), int(match.group(2) or 0)))
    return labels


@pytest.fixture(autouse=True)
def no_rate_limit(article, settings):
    """Lift the per-minute limits: every request here comes from 127.0.0.1, in a burst."""
    settings.DEBATTE = {**settings.DEBATTE, "REQUESTS_PER_MINUTE_WRITE": 0}
    site = article.site
    site.rate_limit_per_minute = 0
    site.save(update_fields=["rate_limit_per_minute"])


def test_concurrent_comments_get_consecutive_unique_numbers(live_server, make_user, article):
    article_path = reverse("article", kwargs={"article_key": article.key})
    create_path = reverse("comment-create", kwargs={"article_key": article.key})
    readers = [make_user(password=None) for _ in range(READERS)]
    tasks = []
    for index, user in enumerate(readers):
        browser = logged_in_browser(live_server, user)
        token = browser.csrf_token_from(article_path)
        bodies = [f"Leser {index}, Beitrag {n}" for n in range(POSTS_PER_READER)]
        tasks.append(poster(browser, create_path, token, bodies))

    responses = run_together(tasks)

    total = READERS * POSTS_PER_READER
    assert [r.status for r in responses] == [302] * total, {r.status for r in responses}
    # Every reader was sent to the comment just written, each to a different number.
    assert sorted(labels_in_redirects(responses)) == [(n, 0) for n in range(1, total + 1)]

    comments = list(Comment.objects.filter(article=article).order_by("number"))
    assert [c.number for c in comments] == list(range(1, total + 1))
    assert {c.reply_number for c in comments} == {0}
    assert all(c.status == CommentStatus.PUBLISHED for c in comments)
    # In order of writing: each reader's posts are numbered in the order they were sent, and
    # numbers follow the time of writing.
    for index, user in enumerate(readers):
        own = [c for c in comments if c.author_id == user.pk]
        assert [c.body for c in own] == [f"Leser {index}, Beitrag {n}" for n in range(len(own))]
        assert len(own) == POSTS_PER_READER
    written = [c.created_at for c in comments]
    assert written == sorted(written)

    article.refresh_from_db()
    assert article.last_comment_number == total
    assert article.comment_count == total


def test_concurrent_replies_get_consecutive_unique_numbers_in_one_thread(
    live_server, make_user, article
):
    readers = [make_user(password=None) for _ in range(READERS)]
    top = post_comment(article, author=readers[0], body="Der Anfang des Threads.")
    first_reply = post_comment(article, author=readers[1], body="Die erste Antwort.", parent=top)
    article_path = reverse("article", kwargs={"article_key": article.key})
    tasks = []
    for index, user in enumerate(readers):
        browser = logged_in_browser(live_server, user)
        token = browser.csrf_token_from(article_path)
        # Half the readers answer the thread's first comment, half answer the reply #1.1:
        # both kinds of reply draw from the same counter of thread #1.
        parent = top if index % 2 == 0 else first_reply
        reply_path = reverse(
            "comment-reply",
            kwargs={"article_key": article.key, "comment_label": parent.url_label},
        )
        bodies = [f"Antwort {n} von Leser {index}" for n in range(REPLIES_PER_READER)]
        tasks.append(poster(browser, reply_path, token, bodies))

    responses = run_together(tasks)

    concurrent = READERS * REPLIES_PER_READER
    total = concurrent + 1  # the first reply, #1.1, was written before
    assert [r.status for r in responses] == [302] * concurrent, {r.status for r in responses}
    assert sorted(labels_in_redirects(responses)) == [(1, n) for n in range(2, total + 1)]

    replies = list(Comment.objects.filter(thread=top).order_by("reply_number"))
    assert [r.reply_number for r in replies] == list(range(1, total + 1))
    assert {r.number for r in replies} == {1}
    answers_to_reply = [r for r in replies if r.parent_id == first_reply.pk]
    assert len(answers_to_reply) == (READERS // 2) * REPLIES_PER_READER
    assert {r.parent_reply_number for r in answers_to_reply} == {1}

    top.refresh_from_db()
    assert top.last_reply_number == total
    assert top.reply_count == total
    article.refresh_from_db()
    assert article.last_comment_number == 1  # replies never use up top-level numbers
    assert article.comment_count == 1 + total


def test_deleted_comment_number_is_never_given_again(client, reader, article):
    client.force_login(reader)

    def write(path: str, body: str) -> tuple[int, int]:
        response = client.post(path, {"body": body})
        assert response.status_code == 302, response.content[:500]
        match = ANCHOR.search(response["Location"])
        assert match, response["Location"]
        return int(match.group(1)), int(match.group(2) or 0)

    def delete(label: str) -> None:
        path = reverse(
            "comment-delete", kwargs={"article_key": article.key, "comment_label": label}
        )
        assert client.post(path).status_code == 302

    create = reverse("comment-create", kwargs={"article_key": article.key})
    reply = reverse("comment-reply", kwargs={"article_key": article.key, "comment_label": "1"})
    assert [write(create, f"Kommentar {n}") for n in (1, 2, 3)] == [(1, 0), (2, 0), (3, 0)]
    assert [write(reply, f"Antwort {n}") for n in (1, 2)] == [(1, 1), (1, 2)]

    # Deleting the newest comment and the newest reply frees neither number.
    delete("3")
    delete("1.2")
    assert write(create, "Kommentar nach dem Löschen") == (4, 0)
    assert write(reply, "Antwort nach dem Löschen") == (1, 3)

    tombstones = Comment.objects.filter(article=article, status=CommentStatus.DELETED)
    assert sorted(c.label for c in tombstones) == ["#1.2", "#3"]
    labels = sorted(Comment.objects.filter(article=article).values_list("number", "reply_number"))
    assert labels == [(1, 0), (1, 1), (1, 2), (1, 3), (2, 0), (3, 0), (4, 0)]
    article.refresh_from_db()
    assert article.last_comment_number == 4
    assert article.comment_count == 5  # #1, #2, #4, #1.1, #1.3 are published
    thread = Comment.objects.get(article=article, number=1, reply_number=0)
    assert thread.last_reply_number == 3
