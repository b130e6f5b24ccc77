"""Webhooks: deliveries to a real HTTP server on 127.0.0.1, signed, retried, logged.

The receiver is a loopback address, which webhooks refuse by default (test_webhook_targets.py);
this module allows internal addresses, as an operator would with DEBATTE_WEBHOOK_ALLOW_PRIVATE=1."""

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from debatte.articles.models import Site
from debatte.notifications.delivering import backoff
from debatte.notifications.models import DeliveryStatus, Webhook, WebhookDelivery
from debatte.notifications.signing import SIGNATURE_HEADER, sign, verify_signature
from debatte.notifications.tasks_webhooks import deliver_webhook
from debatte.notifications.webhooks import redeliver
from tests.notifications.receivers import Receiver

# The receiver listens on 127.0.0.1: every test here allows private targets.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_private")]

SECRET = "geheimnis-der-redaktion"


@pytest.fixture
def webhook(receiver: Receiver, site: Site) -> Webhook:
    return Webhook.objects.create(
        site=site,
        url=receiver.url,
        events=["comment.created", "comment.published", "report.created"],
        secret=SECRET,
    )


@pytest.fixture
def few_attempts(settings: Any) -> None:
    settings.DEBATTE = {**settings.DEBATTE, "WEBHOOK_MAX_ATTEMPTS": 3}


def test_signature_verifies_and_refuses_tampering_and_stale_timestamps() -> None:
    body = b'{"event":"comment.published"}'
    header = sign(SECRET, body, timestamp=1_800_000_000)
    assert verify_signature(SECRET, header, body, now=1_800_000_010)
    assert not verify_signature(SECRET, header, body + b" ", now=1_800_000_010)
    assert not verify_signature("anderes", header, body, now=1_800_000_010)
    assert not verify_signature(SECRET, header, body, now=1_800_000_000 + 301)
    assert not verify_signature(SECRET, "t=abc,v1=", body)


def test_published_comment_is_delivered_signed_to_the_sites_webhook(
    receiver: Receiver, webhook: Webhook, post: Callable[..., Any], article: Any, reader: Any
) -> None:
    comment = post(article, author=reader, body="Ein veröffentlichter Kommentar.")

    events = [r["headers"]["Debatte-Event"] for r in receiver.requests]
    assert events == ["comment.created", "comment.published"]
    request = receiver.requests[1]
    assert verify_signature(SECRET, request["headers"][SIGNATURE_HEADER], request["body"])
    payload = json.loads(request["body"])
    assert payload["event"] == "comment.published"
    assert payload["data"]["comment"]["label"] == comment.label == "#1"
    assert payload["data"]["comment"]["article"]["key"] == article.key
    assert payload["data"]["comment"]["author"]["display_name"] == reader.display_name
    assert request["headers"]["Content-Type"] == "application/json"
    delivery = WebhookDelivery.objects.get(pk=payload["id"])
    assert delivery.status == DeliveryStatus.DELIVERED
    assert (delivery.attempts, delivery.last_status_code) == (1, 200)
    assert delivery.delivered_at is not None


def test_webhook_receives_only_subscribed_events_of_its_own_site(
    receiver: Receiver, site: Site, post: Callable[..., Any], article: Any, reader: Any
) -> None:
    other = Site.objects.create(name="Andere Zeitung", slug="andere")
    Webhook.objects.create(site=other, url=receiver.url, events=["comment.published"], secret="x")
    Webhook.objects.create(site=site, url=receiver.url, events=["user.banned"], secret="x")
    Webhook.objects.create(
        site=site, url=receiver.url, events=["comment.published"], secret="x", is_active=False
    )

    post(article, author=reader)

    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


def test_delivery_retries_on_500_and_succeeds_when_the_server_recovers(
    receiver: Receiver, webhook: Webhook, post: Callable[..., Any], article: Any, reader: Any
) -> None:
    webhook.events = ["comment.published"]
    webhook.save()
    receiver.statuses = [500, 503]

    post(article, author=reader)

    assert len(receiver.requests) == 3
    bodies = {r["body"] for r in receiver.requests}
    assert len(bodies) == 1, "every attempt sends the same payload"
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert (delivery.attempts, delivery.last_status_code, delivery.last_error) == (3, 200, "")


def test_delivery_gives_up_after_the_maximum_attempts(
    receiver: Receiver,
    webhook: Webhook,
    post: Callable[..., Any],
    article: Any,
    reader: Any,
    few_attempts: None,
) -> None:
    webhook.events = ["comment.published"]
    webhook.save()
    receiver.statuses = [500] * 10

    post(article, author=reader)

    assert len(receiver.requests) == 3
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert (delivery.attempts, delivery.last_status_code) == (3, 500)
    assert "HTTP 500" in delivery.last_error
    assert delivery.next_attempt_at is None


def test_unreachable_url_is_logged_as_failed_with_the_error(
    site: Site, post: Callable[..., Any], article: Any, reader: Any, few_attempts: None
) -> None:
    unused = Receiver()
    url = unused.url
    unused.stop()  # nothing listens there any more
    Webhook.objects.create(site=site, url=url, events=["comment.published"], secret=SECRET)

    post(article, author=reader)

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 3
    assert delivery.last_status_code is None
    assert "refused" in delivery.last_error.lower()


def test_retry_is_enqueued_with_backoff_on_the_database_backend(
    receiver: Receiver, webhook: Webhook, settings: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    delivery = WebhookDelivery.objects.create(
        webhook=webhook, event="comment.published", payload={"comment": {"label": "#1"}}
    )
    receiver.statuses = [500]

    started = timezone.now()
    deliver_webhook.call(delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert delivery.next_attempt_at is not None
    assert started + timedelta(seconds=25) < delivery.next_attempt_at
    queued = DBTaskResult.objects.get()
    assert queued.run_after == delivery.next_attempt_at
    assert queued.args_kwargs == {"args": [delivery.pk], "kwargs": {}}


def test_backoff_doubles_and_is_capped(settings: Any) -> None:
    waits = [backoff(attempt).total_seconds() for attempt in (1, 2, 3, 12, 30)]
    assert 27 <= waits[0] <= 33
    assert 54 <= waits[1] <= 66
    assert 108 <= waits[2] <= 132
    assert waits[3] <= 6 * 3600 * 1.1 and waits[4] <= 6 * 3600 * 1.1


def test_report_event_names_the_reporter(
    receiver: Receiver,
    webhook: Webhook,
    post: Callable[..., Any],
    article: Any,
    reader: Any,
    other_reader: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from debatte.discussions.models import ReportReason
    from debatte.discussions.services import report_comment

    webhook.events = ["report.created"]
    webhook.save()
    comment = post(article, author=reader)
    with django_capture_on_commit_callbacks(execute=True):
        report_comment(comment, reporter=other_reader, reason=ReportReason.values[0])

    (request,) = receiver.requests
    payload = json.loads(request["body"])
    assert payload["event"] == "report.created"
    assert payload["data"]["reporter"]["display_name"] == other_reader.display_name
    assert payload["data"]["comment"]["label"] == "#1"
    assert isinstance(payload["data"]["report_id"], int)


def test_redeliver_sends_again_as_a_new_delivery(receiver: Receiver, webhook: Webhook) -> None:
    failed = WebhookDelivery.objects.create(
        webhook=webhook,
        event="comment.published",
        payload={"comment": {"label": "#7"}},
        status=DeliveryStatus.FAILED,
        attempts=8,
    )

    fresh = redeliver(failed)

    fresh.refresh_from_db()
    failed.refresh_from_db()
    assert fresh.status == DeliveryStatus.DELIVERED and fresh.attempts == 1
    assert failed.status == DeliveryStatus.FAILED, "the old log entry stays as it was"
    assert json.loads(receiver.requests[0]["body"])["data"] == {"comment": {"label": "#7"}}


# --- The admin: each site's admins see their own webhooks and deliveries -----------------------


def test_site_admin_sees_own_webhooks_and_delivery_log_but_not_other_sites(
    client: Any, site_admin: Any, webhook: Webhook, site: Site
) -> None:
    other = Site.objects.create(name="Andere Zeitung", slug="andere")
    foreign = Webhook.objects.create(
        site=other, url="https://andere.example/hook", events=[], secret="x"
    )
    WebhookDelivery.objects.create(
        webhook=webhook, event="comment.published", status="failed", last_error="HTTP 500: kaputt"
    )
    WebhookDelivery.objects.create(webhook=foreign, event="comment.published")
    client.force_login(site_admin)

    listing = client.get("/admin/notifications/webhook/")
    assert listing.status_code == 200
    assert webhook.url in listing.content.decode()
    assert "andere.example" not in listing.content.decode()

    change = client.get(f"/admin/notifications/webhook/{webhook.pk}/change/")
    assert change.status_code == 200
    assert "HTTP 500: kaputt" in change.content.decode()
    assert client.get(f"/admin/notifications/webhook/{foreign.pk}/change/").status_code in (
        302,
        403,
        404,
    )

    log = client.get("/admin/notifications/webhookdelivery/")
    assert log.status_code == 200
    assert log.content.decode().count("comment.published") >= 1
    assert "andere.example" not in log.content.decode()


def test_staff_without_a_site_admin_role_sees_no_webhooks(
    client: Any, make_user: Callable[..., Any], webhook: Webhook
) -> None:
    client.force_login(make_user("Nur Moderatorin", staff=True))

    assert client.get("/admin/notifications/webhook/").status_code == 403


def test_redeliver_action_in_the_admin_queues_the_delivery_again(
    client: Any, site_admin: Any, webhook: Webhook, receiver: Receiver
) -> None:
    failed = WebhookDelivery.objects.create(
        webhook=webhook, event="comment.published", status="failed", attempts=8
    )
    client.force_login(site_admin)

    response = client.post(
        "/admin/notifications/webhookdelivery/",
        {"action": "redeliver_selected", "_selected_action": [failed.pk]},
    )

    assert response.status_code == 302
    assert WebhookDelivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 1
    assert len(receiver.requests) == 1
