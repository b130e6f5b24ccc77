"""What the article page tells a writer whose comment was held: never "published"."""

import pytest
from django.urls import reverse

from debatte.articles.models import Site, default_site_id
from debatte.discussions.models import Comment, CommentStatus

pytestmark = pytest.mark.django_db


def post_and_follow(client, article, body, language="de"):
    response = client.post(
        reverse("comment-create", args=[article.key]),
        {"body": body},
        follow=True,
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    return messages


def test_held_comment_is_announced_as_awaiting_approval_with_the_reason(
    client, make_article, reader
):
    article = make_article(moderation_mode="pre")
    client.force_login(reader)

    messages = post_and_follow(client, article, "Ein Kommentar, der geprüft wird.")

    assert Comment.objects.get().status == CommentStatus.PENDING
    assert not any("veröffentlicht" in m for m in messages), messages
    assert any(m.startswith("Ihr Kommentar #1 wartet auf Freigabe.") for m in messages), messages
    assert any("In dieser Diskussion prüft die Redaktion jeden Kommentar" in m for m in messages)


def test_held_comment_message_in_english(client, make_article, reader):
    article = make_article(moderation_mode="pre")
    client.force_login(reader)

    messages = post_and_follow(client, article, "A comment to be checked.", language="en")

    assert any(m.startswith("Your comment #1 is awaiting approval.") for m in messages), messages
    assert not any(m.startswith("Your comment #1 is published") for m in messages), messages


def test_a_new_accounts_hold_names_its_reason(client, article, reader):
    Site.objects.filter(pk=default_site_id()).update(new_account_hold_count=3)
    client.force_login(reader)

    messages = post_and_follow(client, article, "Mein erster Kommentar.")

    assert any("Die ersten Kommentare neuer Konten" in m for m in messages), messages


def test_a_hold_by_the_word_lists_tells_no_reason(client, article, reader):
    # Naming a suspect word or a classifier score would teach how to get around them.
    from debatte.moderation.models import WordListEntry

    WordListEntry.objects.create(site_id=default_site_id(), phrase="verdächtig", kind="suspect")
    Site.objects.filter(pk=default_site_id()).update(moderation_mode="risk")
    client.force_login(reader)

    messages = post_and_follow(client, article, "Das ist verdächtig.")

    assert Comment.objects.get().status == CommentStatus.PENDING
    [message] = [m for m in messages if "wartet auf Freigabe" in m]
    assert "verdächtig" not in message and "Wortliste" not in message
    assert message == (
        "Ihr Kommentar #1 wartet auf Freigabe. Nur Sie sehen ihn, bis die Moderation "
        "ihn geprüft hat."
    )


def test_published_comment_is_still_announced_as_published(client, article, reader):
    client.force_login(reader)

    messages = post_and_follow(client, article, "Sofort sichtbar.")

    assert "Ihr Kommentar #1 ist veröffentlicht." in messages
