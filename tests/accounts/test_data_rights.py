"""Reader data rights: download all one's data, delete one's account, IP retention."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from debatte.accounts.models import Badge, User
from debatte.accounts.services import delete_account
from debatte.articles.models import Article
from debatte.discussions.models import Comment, CommentRevision
from debatte.discussions.services import post_comment, recommend_comment, report_comment
from debatte.discussions.services.retention import purge_ip_addresses
from debatte.moderation.audit import record
from debatte.moderation.models import AuditEntry, StatementOfReasons
from debatte.moderation.services.dsa import submit_appeal

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


@pytest.fixture
def statement(reader):
    return StatementOfReasons.objects.create(
        user=reader,
        decision="comment.reject",
        decision_text="Ihr Kommentar #2 wurde entfernt.",
        ground="Netiquette",
        appealable_until=timezone.now() + timedelta(days=183),
    )


def export(client):
    response = client.get("/konto/meine-daten/")
    assert response.status_code == 200
    return response, json.loads(response.content)


# --- Download my data ---------------------------------------------------------------------


def test_data_export_is_a_json_download(client, reader):
    client.force_login(reader)
    response, data = export(client)
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="debatte-')
    assert response["Content-Disposition"].endswith('.json"')
    assert data["format"] == "debatte.personal-data/1"
    assert data["profile"]["display_name"] == "Kapaster d.J."
    assert data["profile"]["email"] == reader.email


def test_data_export_needs_a_login(client):
    response = client.get("/konto/meine-daten/")
    assert response.status_code == 302
    assert "/konto/login/" in response["Location"]


def test_data_export_holds_comments_recommendations_reports_statements_and_badges(
    client, article, reader, other_reader, statement
):
    reader.badges.add(Badge.objects.create(slug="abo", label="Abonnent"))
    own = post_comment(article, author=reader, body="Mein Text.", ip_address="203.0.113.7")
    post_comment(article, author=reader, body="Eine Antwort.", parent=own)
    theirs = post_comment(article, author=other_reader, body="Fremder Text.")
    recommend_comment(theirs, user=reader)
    report_comment(theirs, reporter=reader, reason="insult", explanation="Beleidigend.")
    submit_appeal(statement, user=reader, text="Das war sachlich.")
    client.force_login(reader)

    _, data = export(client)

    assert data["profile"]["badges"] == ["Abonnent"]
    first, reply = data["comments"]
    assert first["article"] == "nato-dialog"
    assert first["article_title"] == "Nato betont Dialogbereitschaft"
    assert (first["number"], first["text"], first["status"]) == ("#1", "Mein Text.", "published")
    assert first["ip_address"] == "203.0.113.7"
    assert first["created_at"].startswith(str(timezone.localdate().year))
    assert (reply["number"], reply["in_reply_to"]) == ("#1.1", "#1")
    assert data["recommendations"][0]["comment"]["number"] == "#2"
    assert data["recommendations"][0]["comment"]["author"] == "Martin Köster"
    assert data["reports"][0]["reason"] == "insult"
    assert data["reports"][0]["explanation"] == "Beleidigend."
    assert data["statements_of_reasons"][0]["decision_text"] == "Ihr Kommentar #2 wurde entfernt."
    assert data["statements_of_reasons"][0]["appeal"]["text"] == "Das war sachlich."
    assert data["email_addresses"] == [] or data["email_addresses"][0]["email"] == reader.email


def test_data_export_costs_the_same_queries_for_one_and_many_comments(
    client, make_article, reader, other_reader, statement
):
    first = make_article()
    post_comment(first, author=reader, body="Nur einer.")
    client.force_login(reader)
    with CaptureQueriesContext(connection) as few:
        export(client)

    for n in range(12):
        article = make_article()
        mine = post_comment(article, author=reader, body=f"Text {n}.")
        theirs = post_comment(article, author=other_reader, body=f"Andere {n}.", parent=mine)
        recommend_comment(theirs, user=reader)
        report_comment(theirs, reporter=reader, reason="spam")
    with CaptureQueriesContext(connection) as many:
        _, data = export(client)

    assert len(data["comments"]) == 13
    assert len(many.captured_queries) == len(few.captured_queries)


# --- Delete my account --------------------------------------------------------------------


def test_deleting_the_account_keeps_comments_under_deleted_user(
    client, article, reader, other_reader
):
    comment = post_comment(article, author=reader, body="Bleibt stehen.", ip_address="203.0.113.7")
    reply = post_comment(article, author=other_reader, body="Antwort.", parent=comment)
    client.force_login(reader)

    response = client.post("/konto/loeschen/", {"comments": "keep", "password": PASSWORD})

    assert response.status_code == 302
    assert not User.objects.filter(pk=reader.pk).exists()
    assert "_auth_user_id" not in client.session
    comment.refresh_from_db()
    assert (comment.author_id, comment.author_name) == (None, "gelöschter Nutzer")
    assert (comment.body, comment.status, comment.ip_address) == (
        "Bleibt stehen.",
        "published",
        None,
    )
    reply.refresh_from_db()
    assert reply.author_name == "Martin Köster"
    article.refresh_from_db()
    assert article.comment_count == 2


def test_deleting_the_account_with_removal_leaves_tombstones_that_keep_numbers(
    client, article, reader, other_reader
):
    first = post_comment(article, author=reader, body="Wird entfernt.")
    answer = post_comment(article, author=other_reader, body="Bleibt.", parent=first)
    own_reply = post_comment(article, author=reader, body="Meine Antwort.", parent=first)
    client.force_login(reader)

    response = client.post("/konto/loeschen/", {"comments": "remove", "password": PASSWORD})

    assert response.status_code == 302
    rows = {c.label: c for c in Comment.objects.filter(article=article)}
    assert set(rows) == {"#1", "#1.1", "#1.2"}
    assert (rows["#1"].status, rows["#1"].body) == ("deleted", "")
    assert (rows["#1.2"].status, rows["#1.2"].body) == ("deleted", "")
    assert rows["#1"].author_name == rows["#1.2"].author_name == "gelöschter Nutzer"
    assert rows["#1.1"].body == "Bleibt."
    assert rows["#1"].reply_count == 2  # tombstones are still shown in the thread
    article.refresh_from_db()
    assert article.comment_count == 1
    assert answer.pk and own_reply.pk
    # A new comment gets the next number: none is reused.
    assert post_comment(article, author=other_reader, body="Neu.").label == "#2"


def test_deleting_the_account_drops_earlier_versions_when_comments_are_removed(article, reader):
    from debatte.discussions.services import edit_comment

    comment = post_comment(article, author=reader, body="Erste Fassung.")
    edit_comment(comment, editor=reader, body="Zweite Fassung.")
    assert CommentRevision.objects.filter(comment=comment).exists()

    delete_account(reader, remove_comments=True)

    assert not CommentRevision.objects.filter(comment=comment).exists()


def test_deleting_the_account_withdraws_recommendations_and_keeps_counts(
    article, reader, other_reader
):
    theirs = post_comment(article, author=other_reader, body="Empfohlen.")
    recommend_comment(theirs, user=reader)
    version = Article.objects.get(pk=article.pk).version

    result = delete_account(reader, remove_comments=False)

    assert result.recommendations_withdrawn == 1
    theirs.refresh_from_db()
    assert theirs.recommendation_count == 0
    assert Article.objects.get(pk=article.pk).version > version


def test_deleting_the_account_writes_an_audit_entry_that_survives_without_the_name(
    article, reader, moderator
):
    comment = post_comment(article, author=reader, body="Moderiert.")
    record("comment.approve", actor=moderator, comment=comment, before="pending", after="x")

    delete_account(reader, remove_comments=False)

    entry = AuditEntry.objects.get(verb="user.delete")
    assert (entry.actor_id, entry.actor_name, entry.subject) == (
        None,
        "gelöschter Nutzer",
        "gelöschter Nutzer",
    )
    assert entry.details == {"comments": "kept", "count": 1}
    earlier = AuditEntry.objects.get(verb="comment.approve")
    assert (earlier.subject, earlier.actor_name) == ("#1 gelöschter Nutzer", "Redaktion ab")


def test_deleting_the_account_needs_the_password(client, article, reader):
    post_comment(article, author=reader, body="Bleibt.")
    client.force_login(reader)

    response = client.post("/konto/loeschen/", {"comments": "remove", "password": "falsch"})

    assert response.status_code == 400
    assert User.objects.filter(pk=reader.pk).exists()
    assert Comment.objects.get(article=article).author_id == reader.pk


def test_deleting_the_account_needs_a_choice_about_the_comments(client, reader):
    client.force_login(reader)
    response = client.post("/konto/loeschen/", {"password": PASSWORD})
    assert response.status_code == 400
    assert User.objects.filter(pk=reader.pk).exists()


def test_reader_without_password_confirms_deletion_with_their_name(client, make_user):
    sso_reader = make_user("SSO Leserin")
    sso_reader.set_unusable_password()
    sso_reader.save(update_fields=["password"])
    client.force_login(sso_reader)

    assert client.post("/konto/loeschen/", {"comments": "keep", "password": "x"}).status_code == 400
    response = client.post("/konto/loeschen/", {"comments": "keep", "password": "SSO Leserin"})

    assert response.status_code == 302
    assert not User.objects.filter(pk=sso_reader.pk).exists()


def test_settings_page_links_to_export_and_deletion(client, reader):
    client.force_login(reader)
    html = client.get("/konto/einstellungen/").content.decode()
    assert 'href="/konto/meine-daten/"' in html
    assert 'href="/konto/loeschen/"' in html


# --- IP retention -------------------------------------------------------------------------


def _comment_aged(article, reader, days, ip):
    comment = post_comment(article, author=reader, body=f"{days} Tage alt.", ip_address=ip)
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(days=days))
    return comment


def test_purge_removes_ip_addresses_older_than_the_retention_period(settings, article, reader):
    settings.DEBATTE = {**settings.DEBATTE, "IP_RETENTION_DAYS": 7}
    old = _comment_aged(article, reader, 8, "203.0.113.1")
    recent = _comment_aged(article, reader, 6, "203.0.113.2")

    assert purge_ip_addresses() == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.ip_address, recent.ip_address) == (None, "203.0.113.2")


def test_purge_command_uses_the_default_retention_without_a_setting(
    settings, article, reader, capsys
):
    settings.DEBATTE = {k: v for k, v in settings.DEBATTE.items() if k != "IP_RETENTION_DAYS"}
    old = _comment_aged(article, reader, 31, "203.0.113.1")
    recent = _comment_aged(article, reader, 29, "203.0.113.2")

    call_command("purge")

    assert "Removed 1 IP addresses older than 30 days." in capsys.readouterr().out
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.ip_address, recent.ip_address) == (None, "203.0.113.2")


def test_daily_purge_task_is_queued_once_on_the_database_backend(settings):
    from django_tasks_db.models import DBTaskResult

    from debatte.notifications.tasks import purge_daily, schedule_daily_purge

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert schedule_daily_purge() is True
    assert schedule_daily_purge() is False
    queued = DBTaskResult.objects.get(task_path=purge_daily.module_path)
    assert queued.status == "READY"


def test_daily_purge_task_purges_and_queues_the_next_run(settings, article, reader):
    from django_tasks_db.models import DBTaskResult

    from debatte.notifications.tasks import purge_daily

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    old = _comment_aged(article, reader, 400, "203.0.113.1")

    assert purge_daily.call() == 1

    old.refresh_from_db()
    assert old.ip_address is None
    next_run = DBTaskResult.objects.get(task_path=purge_daily.module_path)
    assert next_run.run_after > timezone.now() + timedelta(hours=23)


def test_delete_page_offers_the_choice_and_asks_for_the_password(client, reader):
    client.force_login(reader)
    html = client.get("/konto/loeschen/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert 'name="comments" value="keep"' in html
    assert 'name="comments" value="remove"' in html
    assert 'type="password"' in html
    assert "gelöschter Nutzer" in html
    assert 'href="/konto/meine-daten/"' in html
