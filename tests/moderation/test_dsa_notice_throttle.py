"""Anonymous DSA notices are throttled by client address and by notifier e-mail, and their
confirmation mail is sent by a background task after the notice is stored (never inside the
request): the notice form is neither a mail relay nor a queue flood."""

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from debatte.discussions.models import Comment, Report

pytestmark = pytest.mark.django_db


def notice_url(comment: Comment) -> str:
    return reverse(
        "dsa-notice",
        kwargs={"article_key": comment.article.key, "comment_label": comment.url_label},
    )


def notice(email: str) -> dict[str, str]:
    return {
        "name": "Erika Mustermann",
        "email": email,
        "explanation": "Dieser Kommentar ist Volksverhetzung nach § 130 StGB.",
        "category": "insult",
        "good_faith": "on",
    }


def send(client: Any, comment: Comment, email: str, address: str, **extra: Any) -> Any:
    return client.post(
        notice_url(comment), notice(email), REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en", **extra
    )


def test_notices_from_one_address_are_throttled(client: Any, comment: Comment) -> None:
    for n in range(5):
        assert send(client, comment, f"melder{n}@example.org", "198.51.100.7").status_code == 302

    refused = send(client, comment, "melder9@example.org", "198.51.100.7")

    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert "You have sent too many notices" in refused.content.decode()
    assert "Volksverhetzung" in refused.content.decode(), "the text is kept"
    assert Report.objects.count() == 5
    assert send(client, comment, "melder9@example.org", "198.51.100.8").status_code == 302


def test_notices_for_one_email_are_throttled_across_addresses(
    client: Any, comment: Comment
) -> None:
    for n in range(3):
        assert send(client, comment, "Flut@Example.org", f"198.51.100.{n + 1}").status_code == 302

    refused = send(client, comment, "flut@example.org", "198.51.100.50")

    assert refused.status_code == 429
    assert Report.objects.count() == 3


def test_the_limits_are_settings(client: Any, comment: Comment, settings: Any) -> None:
    settings.DEBATTE = {**settings.DEBATTE, "DSA_NOTICES_PER_ADDRESS_PER_HOUR": 1}

    assert send(client, comment, "a@example.org", "198.51.100.7").status_code == 302
    assert send(client, comment, "b@example.org", "198.51.100.7").status_code == 429


def test_the_refusal_is_german_by_default(client: Any, comment: Comment, settings: Any) -> None:
    settings.DEBATTE = {**settings.DEBATTE, "DSA_NOTICES_PER_ADDRESS_PER_HOUR": 1}
    client.post(notice_url(comment), notice("a@example.org"))

    refused = client.post(notice_url(comment), notice("b@example.org"))

    assert refused.status_code == 429
    assert "zu viele Meldungen" in refused.content.decode()


def test_clients_behind_a_trusted_proxy_are_counted_each(
    client: Any, comment: Comment, settings: Any
) -> None:
    settings.DEBATTE = {
        **settings.DEBATTE,
        "DSA_NOTICES_PER_ADDRESS_PER_HOUR": 1,
        "TRUSTED_PROXIES": ["10.0.0.1"],
    }
    first = send(client, comment, "a@example.org", "10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1")
    again = send(client, comment, "b@example.org", "10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1")
    other = send(client, comment, "c@example.org", "10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.2")

    assert (first.status_code, again.status_code, other.status_code) == (302, 429, 302)


def test_the_confirmation_is_mailed_by_a_task_after_commit(
    client: Any, comment: Comment, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    from debatte.notifications.tasks import send_notice_confirmation

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, comment, "erika@example.org", "198.51.100.7")

    assert response.status_code == 302
    assert mail.outbox == [], "no mail is sent inside the request"
    queued = DBTaskResult.objects.get()
    assert queued.task_path == send_notice_confirmation.module_path
    assert "erika@example.org" not in str(queued.args_kwargs), "the queue holds no address"

    report = Report.objects.get()
    assert send_notice_confirmation.call(*queued.args_kwargs["args"]) is True
    assert mail.outbox[0].to == ["erika@example.org"]
    assert comment.label in mail.outbox[0].subject
    assert "We received your notice" in mail.outbox[0].body, "in the notifier's language"
    assert report.pk == queued.args_kwargs["args"][0]
