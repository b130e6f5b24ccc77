"""Notification mails go out through a real SMTP server, in the reader's language."""

import re

import pytest
from django.urls import reverse

from debatte.discussions.services import post_comment, set_editor_pick
from debatte.moderation.services.decisions import approve_comment
from debatte.notifications.tasks import send_reply_mail, send_statement_mail
from debatte.notifications.unsubscribe import make_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscriber(make_user):
    return make_user("ZL19", email="zl19@example.org", notify_replies=True, notify_editor_pick=True)


def test_reply_mail_reaches_the_parent_author_in_german_with_text_and_html(
    smtp_inbox, post, article, subscriber, other_reader
):
    parent = post(article, author=subscriber, body="Mein erster Gedanke.")
    post(article, author=other_reader, body="Da widerspreche ich <b>deutlich</b>.", parent=parent)

    assert smtp_inbox.recipients() == ["zl19@example.org"]
    message = smtp_inbox.messages[0]
    assert message["Subject"].strip() == "Martin Köster hat auf Ihren Kommentar #1 geantwortet"
    text, html = smtp_inbox.parts(message)
    assert "Hallo ZL19," in text
    assert "Da widerspreche ich <b>deutlich</b>." in text
    assert "https://debatte.example/artikel/nato-dialog/kommentar/1.1/" in text
    assert "Da widerspreche ich &lt;b&gt;deutlich&lt;/b&gt;." in html
    assert "<b>deutlich" not in html
    assert '<html lang="de">' in html


def test_reply_mail_carries_one_click_unsubscribe_headers_and_link(
    smtp_inbox, post, article, subscriber, other_reader
):
    parent = post(article, author=subscriber)
    post(article, author=other_reader, parent=parent)

    message = smtp_inbox.messages[0]
    header = message["List-Unsubscribe"].strip()
    url = re.fullmatch(r"<(https://debatte\.example/\S+)>", header).group(1)
    assert message["List-Unsubscribe-Post"].strip() == "List-Unsubscribe=One-Click"
    text, html = smtp_inbox.parts(message)
    assert url in text
    assert f'href="{url}"' in html


def test_reply_mail_is_english_for_an_english_reader(
    smtp_inbox, post, article, make_user, other_reader
):
    writer = make_user("Silfur_Berg", language="en", notify_replies=True)
    parent = post(article, author=writer)
    post(article, author=other_reader, parent=parent)

    message = smtp_inbox.messages[0]
    assert message["Subject"].strip() == "Martin Köster replied to your comment #1"
    text, html = smtp_inbox.parts(message)
    assert text.startswith("Hello Silfur_Berg,")
    assert '<html lang="en">' in html


def test_reply_to_a_reply_notifies_the_author_of_the_reply_answered(
    smtp_inbox, post, article, reader, subscriber, other_reader
):
    top = post(article, author=reader)
    middle = post(article, author=subscriber, parent=top)
    post(article, author=other_reader, parent=middle)

    assert smtp_inbox.recipients() == ["zl19@example.org"]
    assert "#1.1" in smtp_inbox.messages[0]["Subject"].strip()


def test_no_reply_mail_without_opt_in(smtp_inbox, post, article, reader, other_reader):
    parent = post(article, author=reader)
    post(article, author=other_reader, parent=parent)
    assert smtp_inbox.messages == []


def test_no_reply_mail_when_answering_oneself(smtp_inbox, post, article, subscriber):
    parent = post(article, author=subscriber)
    post(article, author=subscriber, parent=parent)
    assert smtp_inbox.messages == []


def test_reply_mail_waits_until_a_held_reply_is_approved(
    smtp_inbox,
    post,
    make_article,
    subscriber,
    other_reader,
    moderator,
    django_capture_on_commit_callbacks,
):
    from debatte.articles.models import SiteMembership

    article = make_article(moderation_mode="pre")
    SiteMembership.objects.create(site=article.site, user=moderator, role="moderator")
    parent = post(article, author=subscriber)
    with django_capture_on_commit_callbacks(execute=True):
        approve_comment(parent, moderator=moderator)
    reply = post(article, author=other_reader, parent=parent)
    assert reply.status == "pending"
    assert smtp_inbox.messages == []

    with django_capture_on_commit_callbacks(execute=True):
        approve_comment(reply, moderator=moderator)
    assert smtp_inbox.recipients() == ["zl19@example.org"]


def test_reply_mail_task_sends_nothing_after_the_reader_unsubscribed(
    smtp_inbox, post, article, subscriber, other_reader
):
    parent = post(article, author=subscriber)
    reply = post_comment(article, author=other_reader, body="Ohne Ereignis.", parent=parent)
    subscriber.notify_replies = False
    subscriber.save(update_fields=["notify_replies"])

    assert send_reply_mail.call(reply.pk) is False
    assert smtp_inbox.messages == []


def test_editor_pick_mail_reaches_the_author(
    smtp_inbox, post, article, subscriber, moderator, django_capture_on_commit_callbacks
):
    comment = post(article, author=subscriber, body="Ein guter Punkt.")
    with django_capture_on_commit_callbacks(execute=True):
        set_editor_pick(comment, actor=moderator)

    assert smtp_inbox.recipients() == ["zl19@example.org"]
    message = smtp_inbox.messages[0]
    assert message["Subject"].strip() == "Die Redaktion empfiehlt Ihren Kommentar #1"
    assert message["List-Unsubscribe-Post"].strip() == "List-Unsubscribe=One-Click"
    text, html = smtp_inbox.parts(message)
    assert "Redaktionsempfehlung" in text
    assert "Ein guter Punkt." in html


def test_no_editor_pick_mail_without_opt_in(
    smtp_inbox, post, article, reader, moderator, django_capture_on_commit_callbacks
):
    comment = post(article, author=reader)
    with django_capture_on_commit_callbacks(execute=True):
        set_editor_pick(comment, actor=moderator)
    assert smtp_inbox.messages == []


def test_one_click_post_from_the_header_unsubscribes_without_csrf(
    smtp_inbox, post, article, subscriber, other_reader
):
    parent = post(article, author=subscriber)
    post(article, author=other_reader, parent=parent)
    url = smtp_inbox.messages[0]["List-Unsubscribe"].strip().strip("<>")
    path = url.removeprefix("https://debatte.example")

    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(
        path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.notify_replies is False
    assert subscriber.notify_editor_pick is True


def test_unsubscribe_link_opened_in_a_browser_asks_before_changing_anything(client, subscriber):
    path = reverse("notifications-unsubscribe", kwargs={"token": make_token(subscriber, "replies")})
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    assert '<form method="post"' in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.notify_replies is True


def test_unsubscribe_with_a_forged_token_is_refused(client, subscriber):
    token = make_token(subscriber, "replies")[:-2] + "xx"
    path = reverse("notifications-unsubscribe", kwargs={"token": token})
    assert client.post(path).status_code == 404
    subscriber.refresh_from_db()
    assert subscriber.notify_replies is True


def test_statement_mail_is_plain_text_and_html_in_the_readers_language(
    smtp_inbox, article, make_user, moderator
):
    from datetime import timedelta

    from django.utils import timezone

    from debatte.moderation.models import StatementOfReasons

    writer = make_user("Reader EN", language="en")
    statement = StatementOfReasons.objects.create(
        user=writer,
        decision="comment.reject",
        decision_text="Your comment #3 was removed.",
        ground="Netiquette: insults",
        appealable_until=timezone.now() + timedelta(days=183),
    )

    assert send_statement_mail.enqueue(statement.pk).return_value is True
    message = smtp_inbox.messages[0]
    assert message["Subject"].strip() == "A moderation decision about your contribution"
    assert "List-Unsubscribe" not in message
    text, html = smtp_inbox.parts(message)
    assert "Your comment #3 was removed." in text
    assert f"https://debatte.example/konto/entscheidungen/#entscheidung-{statement.pk}" in html


def test_settings_page_saves_the_notification_choices(client, reader):
    client.force_login(reader)
    response = client.post(
        "/konto/einstellungen/",
        {"display_name": reader.display_name, "language": "", "notify_replies": "on"},
    )
    assert response.status_code == 302
    reader.refresh_from_db()
    assert reader.notify_replies is True
    assert reader.notify_editor_pick is False
