"""A deleted account leaves no name, address or text of the reader's anywhere in the database;
what the platform keeps (DSA statements, appeals' outcomes, audit entries, reports) is anonymous.
"""

from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import models
from django.db.models import TextField
from django.db.models.functions import Cast
from django.test import Client
from django.utils import timezone

from debatte.accounts.models import User
from debatte.articles.models import SiteMembership, default_site_id
from debatte.discussions.models import Comment, CommentRevision, Report
from debatte.discussions.services import post_comment, report_comment
from debatte.moderation.models import (
    Appeal,
    AppealStatus,
    AuditEntry,
    Reason,
    StatementOfReasons,
)
from debatte.moderation.services.decisions import shorten_comment
from debatte.moderation.services.dsa import submit_appeal, submit_illegal_content_notice
from debatte.notifications.models import Webhook, WebhookDelivery
from debatte.notifications.webhooks import build_payload

pytestmark = pytest.mark.django_db

# Every trace of the reader contains this word: name, address, every text they wrote.
TRACE = "quellwasser"
NAME = "Zora Quellwasser"
EMAIL = "zora.quellwasser@example.net"
PASSWORD = "a-long-test-password"


def traces(needle: str = TRACE) -> list[str]:
    """Every model and text field of the project that still holds `needle` (any case)."""
    found = []
    for model in apps.get_models():
        text_fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        for field in text_fields:
            rows = model._default_manager.annotate(_as_text=Cast(field.name, TextField()))
            if rows.filter(_as_text__icontains=needle).exists():
                found.append(f"{model._meta.label}.{field.name}")
    return found


@pytest.fixture
def zora(make_user: Any) -> User:
    user = make_user(NAME, email=EMAIL, password=PASSWORD)
    user.sso_site_id = default_site_id()
    user.sso_subject = "quellwasser-4711"
    user.save(update_fields=["sso_site", "sso_subject"])
    return user


@pytest.fixture
def everything(zora: User, other_reader: Any, moderator: Any, article: Any) -> dict[str, Any]:
    """The reader with one of each: comments (one shortened by a moderator, with its original
    in the history, the audit log and a statement of reasons), an appeal, a report, DSA notices
    signed in and signed out, webhook deliveries, second factor, sessions on two devices."""
    SiteMembership.objects.create(site_id=default_site_id(), user=moderator, role="moderator")
    reason = Reason.objects.create(
        site_id=default_site_id(), code="kurz", kind="shorten", label="Kürzer", text="Zu lang."
    )
    mine = post_comment(
        article, author=zora, body="Quellwasser-Kommentar, ganz lang.", ip_address="203.0.113.9"
    )
    shorten_comment(mine, moderator=moderator, reason=reason, body="Gekürzt.")
    second = post_comment(article, author=zora, body="Noch ein Quellwasser-Beitrag.")
    theirs = post_comment(article, author=other_reader, body="Fremder Text.")
    report_comment(theirs, reporter=zora, reason="other", explanation="Quellwasser-Meldung.")
    other = post_comment(article, author=other_reader, body="Noch ein fremder Text.")
    submit_illegal_content_notice(
        other, explanation="Quellwasser-Hinweis: strafbar.", reporter=zora, name=NAME, email=EMAIL
    )
    third = post_comment(article, author=other_reader, body="Ein dritter fremder Text.")
    submit_illegal_content_notice(
        third, explanation="Abgemeldet, aber strafbar.", name="Z. Quellwasser", email=EMAIL.upper()
    )
    statement = StatementOfReasons.objects.get(user=zora)
    assert TRACE in statement.facts.lower()
    submit_appeal(statement, user=zora, text="Quellwasser-Einspruch: das war sachlich.")

    hook = Webhook.objects.create(
        site_id=default_site_id(), url="https://hooks.example.org/x", secret="s", events=["*"]
    )
    for name, comment, user in (
        ("comment.created", second, zora),
        ("report.created", theirs, zora),
        ("comment.created", theirs, other_reader),
    ):
        WebhookDelivery.objects.create(
            webhook=hook,
            event=name,
            payload=build_payload(name, comment=comment, user=user, extra={}),
        )

    if apps.is_installed("allauth.mfa"):
        from allauth.mfa.models import Authenticator

        Authenticator.objects.create(user=zora, type="totp", data={"secret": "QUELLWASSER"})

    devices = [Client(), Client()]
    for device in devices:
        assert device.post("/konto/login/", {"login": EMAIL, "password": PASSWORD}).status_code
    for device in devices:
        device.force_login(zora)
    return {"devices": devices, "mine": mine, "second": second, "statement": statement}


def delete_through_the_page(client: Client, comments: str) -> None:
    response = client.post("/konto/loeschen/", {"comments": comments, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]


def sessions_of(user_id: int) -> int:
    return sum(
        1 for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user_id)
    )


def test_before_deletion_the_reader_is_everywhere(everything: dict[str, Any], zora: User) -> None:
    found = traces()
    for where in (
        "accounts.User.email",
        "discussions.Comment.body",
        "discussions.CommentRevision.body",
        "discussions.Report.explanation",
        "discussions.Report.reporter_email",
        "moderation.AuditEntry.subject",
        "moderation.AuditEntry.details",
        "moderation.AuditEntry.reason",
        "moderation.StatementOfReasons.facts",
        "moderation.Appeal.text",
        "notifications.WebhookDelivery.payload",
    ):
        assert where in found
    assert sessions_of(zora.pk) == 2


def test_deleted_account_with_removed_comments_leaves_no_trace(
    everything: dict[str, Any], zora: User, django_capture_on_commit_callbacks: Any
) -> None:
    user_id = zora.pk
    with django_capture_on_commit_callbacks(execute=True):  # the sessions task runs after commit
        delete_through_the_page(everything["devices"][0], "remove")

    assert traces() == []
    assert traces("203.0.113.9") == []
    assert traces("4711") == []  # the SSO subject
    assert not Comment.objects.filter(author__isnull=True, ip_address__isnull=False).exists()
    assert sessions_of(user_id) == 0  # the other device is signed out too
    assert "_auth_user_id" not in everything["devices"][1].session
    for model in apps.get_models():  # no row points at the account any more
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is User:
                assert not model._default_manager.filter(**{field.attname: user_id}).exists()


def test_what_is_kept_is_anonymous(everything: dict[str, Any], zora: User) -> None:
    statement = everything["statement"]
    delete_through_the_page(everything["devices"][0], "remove")

    # DSA: the decision, its ground and the appeal's outcome stay, without the reader.
    statement.refresh_from_db()
    assert (statement.user_id, statement.decision, statement.ground) == (
        None,
        "comment.shorten",
        "Zu lang.",
    )
    assert statement.facts == ""
    appeal = Appeal.objects.get(statement=statement)
    assert (appeal.status, appeal.text) == (AppealStatus.WITHDRAWN, "")
    assert appeal.decided_at is not None

    # Reports keep their reason for the moderators; notices lose their sender.
    assert Report.objects.filter(reason="other", explanation="").exists()
    notices = Report.objects.filter(reason="illegal")
    assert notices.count() == 2
    assert all((n.reporter_name, n.reporter_email) == ("", "") for n in notices)
    assert all(n.explanation == "" for n in notices)

    # The audit log keeps every entry, naming "gelöschter Nutzer".
    verbs = set(AuditEntry.objects.values_list("verb", flat=True))
    assert {"comment.shorten", "appeal.submit", "user.delete"} <= verbs
    shortened = AuditEntry.objects.get(verb="comment.shorten")
    assert shortened.subject == "#1 gelöschter Nutzer"
    assert "original" not in shortened.details
    assert shortened.actor_name == "Redaktion ab"  # the moderator's decision stays theirs
    appealed = AuditEntry.objects.get(verb="appeal.submit")
    assert (appealed.actor_name, appealed.reason) == ("gelöschter Nutzer", "")

    # Webhook deliveries: the reader is anonymous, a removed comment's text is gone.
    created = WebhookDelivery.objects.get(
        event="comment.created", payload__comment__id=everything["second"].pk
    )
    assert created.payload["comment"]["author"] == {"id": None, "display_name": "gelöschter Nutzer"}
    assert created.payload["comment"]["text"] == ""
    reported = WebhookDelivery.objects.get(event="report.created")
    assert reported.payload["reporter"]["id"] is None

    # Removed comments are tombstones without text, history or what the checks found.
    assert not CommentRevision.objects.exists()
    for comment in Comment.objects.filter(author__isnull=True):
        assert (comment.body, comment.status, comment.score_reasons) == ("", "deleted", [])


def test_kept_comments_stay_readable_under_the_placeholder(
    everything: dict[str, Any], zora: User
) -> None:
    delete_through_the_page(everything["devices"][0], "keep")

    kept = Comment.objects.get(pk=everything["second"].pk)
    assert (kept.author_id, kept.author_name, kept.body) == (
        None,
        "gelöschter Nutzer",
        "Noch ein Quellwasser-Beitrag.",
    )
    # Only the public comments themselves (and the payload of their publication) keep the text.
    assert set(traces()) <= {"discussions.Comment.body", "notifications.WebhookDelivery.payload"}
    assert not User.objects.filter(email__iexact=EMAIL).exists()


def test_an_open_appeal_of_a_deleted_account_leaves_the_queue(
    everything: dict[str, Any], zora: User, make_user: Any
) -> None:
    from debatte.moderation.selectors import list_open_appeals

    admin = make_user("Chefin vom Dienst", is_superuser=True)
    assert list_open_appeals(admin).count() == 1
    delete_through_the_page(everything["devices"][0], "keep")
    assert list_open_appeals(admin).count() == 0
    assert timezone.now() - Appeal.objects.get().decided_at < timedelta(minutes=1)
