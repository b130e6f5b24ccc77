"""Webhooks on the settings pages: created, edited, deleted, audited; internal URLs refused; a
test delivery to a real HTTP server on 127.0.0.1 (allowed here as an operator would, with
DEBATTE_WEBHOOK_ALLOW_PRIVATE=1)."""

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from debatte.articles.models import Site
from debatte.moderation.models import AuditEntry
from debatte.notifications.models import DeliveryStatus, Webhook, WebhookDelivery
from debatte.notifications.signing import SIGNATURE_HEADER, verify_signature
from tests.notifications.receivers import Receiver
from tests.siteadmin.conftest import url

pytestmark = pytest.mark.django_db


def shown_secret(page: str) -> str:
    found = re.search(r'id="webhook-geheimnis" type="text" readonly value="([^"]+)"', page)
    assert found, "the secret is shown once"
    return found.group(1)


def test_webhook_audit_keeps_the_host_not_the_path_with_its_token(
    site: Site, admin_client: Client
) -> None:
    address = "https://93.184.215.14/services/T000/B000/geheimer-pfad"
    admin_client.post(url("webhooks", site), {"url": address, "events": ["comment.held"]})
    entry = AuditEntry.objects.get(verb="site.webhook_create")
    assert entry.details["host"] == "93.184.215.14"
    assert "geheimer-pfad" not in str(entry.details)


def test_webhook_created_with_secret_shown_once_and_audited(
    site: Site, admin_client: Client, site_admin: Any
) -> None:
    answer = admin_client.post(
        url("webhooks", site),
        {"url": "https://93.184.215.14/debatte", "events": ["comment.created", "user.banned"]},
    )
    assert answer.status_code == 200
    webhook = Webhook.objects.get()
    assert shown_secret(answer.content.decode()) == webhook.secret
    assert webhook.events == ["comment.created", "user.banned"]
    assert webhook.site == site
    page = admin_client.get(url("webhooks", site)).content.decode()
    assert webhook.secret not in page
    edit = admin_client.get(url("webhook-edit", site, webhook_id=webhook.pk)).content.decode()
    assert webhook.secret not in edit
    entry = AuditEntry.objects.get(verb="site.webhook_create")
    assert entry.actor == site_admin and entry.details["host"] == "93.184.215.14"
    assert webhook.secret not in str(entry.details)


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("http://127.0.0.1:6379/", "internal addresses"),
        ("http://169.254.169.254/latest/meta-data/", "internal addresses"),
        ("http://[::1]/", "internal addresses"),
        ("http://10.0.0.5/hook", "internal addresses"),
        ("ftp://example.org/", "http:// or https://"),
        ("http://nutzer:pw@93.184.215.14/", "user name or password"),
    ],
)
def test_webhook_internal_or_bad_urls_are_refused(
    site: Site, admin_client: Client, address: str, message: str
) -> None:
    answer = admin_client.post(url("webhooks", site), {"url": address, "events": ["comment.held"]})
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert not Webhook.objects.exists()


def test_webhook_needs_an_event(site: Site, admin_client: Client) -> None:
    answer = admin_client.post(url("webhooks", site), {"url": "https://93.184.215.14/"})
    assert answer.status_code == 400
    assert "This field is required" in answer.content.decode()


def test_webhook_edited_and_deleted_audited(site: Site, admin_client: Client) -> None:
    webhook = Webhook.objects.create(
        site=site, url="https://93.184.215.14/a", events=["comment.held"], secret="alt"
    )
    answer = admin_client.post(
        url("webhook-edit", site, webhook_id=webhook.pk),
        {"url": "https://93.184.215.14/b", "events": ["comment.held", "report.created"]},
    )
    assert answer.status_code == 302
    webhook.refresh_from_db()
    assert (webhook.url, webhook.is_active) == ("https://93.184.215.14/b", False)
    entry = AuditEntry.objects.get(verb="site.webhook_update")
    assert entry.details["fields"] == ["url", "events", "is_active"]

    answer = admin_client.post(url("webhook-secret", site, webhook_id=webhook.pk))
    webhook.refresh_from_db()
    assert webhook.secret != "alt"
    assert shown_secret(answer.content.decode()) == webhook.secret
    assert AuditEntry.objects.filter(verb="site.webhook_secret_rotate").count() == 1

    answer = admin_client.post(url("webhook-delete", site, webhook_id=webhook.pk))
    assert answer.status_code == 302
    assert not Webhook.objects.exists()
    assert AuditEntry.objects.get(verb="site.webhook_delete").details["webhook_id"] == webhook.pk


def test_webhook_test_delivery_reaches_a_real_server_signed(
    site: Site, admin_client: Client, receiver: Receiver, allow_private: None
) -> None:
    webhook = Webhook.objects.create(
        site=site, url=receiver.url, events=["comment.held"], secret="geheim-genug"
    )
    answer = admin_client.post(url("webhook-test", site, webhook_id=webhook.pk), follow=True)
    assert "HTTP 200" in answer.content.decode()
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    assert verify_signature("geheim-genug", request["headers"][SIGNATURE_HEADER], request["body"])
    assert json.loads(request["body"])["event"] == "ping"
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.last_status_code) == (DeliveryStatus.DELIVERED, 200)
    entry = AuditEntry.objects.get(verb="site.webhook_test")
    assert (entry.status_after, entry.details["status_code"]) == ("delivered", 200)
    # The list shows the latest delivery's outcome.
    page = admin_client.get(url("webhooks", site)).content.decode()
    assert "HTTP 200" in page


def test_webhook_test_delivery_shows_the_receivers_error(
    site: Site, admin_client: Client, receiver: Receiver, allow_private: None
) -> None:
    receiver.statuses = [503]
    webhook = Webhook.objects.create(
        site=site, url=receiver.url, events=["comment.held"], secret="s"
    )
    answer = admin_client.post(url("webhook-test", site, webhook_id=webhook.pk), follow=True)
    assert "HTTP 503: kaputt" in answer.content.decode()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.next_attempt_at is None  # a test is not retried


def test_webhook_test_delivery_refused_for_internal_address(
    site: Site, admin_client: Client, receiver: Receiver
) -> None:
    # Saved while allowed (or before the host moved): refused before anything is sent.
    webhook = Webhook.objects.create(
        site=site, url=receiver.url, events=["comment.held"], secret="s"
    )
    answer = admin_client.post(url("webhook-test", site, webhook_id=webhook.pk), follow=True)
    assert "internal addresses" in answer.content.decode()
    assert receiver.requests == []
    assert WebhookDelivery.objects.get().status == DeliveryStatus.REFUSED
    assert AuditEntry.objects.get(verb="site.webhook_test").status_after == "refused"


def test_webhook_test_delivery_to_a_closed_port_says_why(
    site: Site, admin_client: Client, allow_private: None
) -> None:
    closed = Receiver()
    closed.stop()
    webhook = Webhook.objects.create(site=site, url=closed.url, events=["comment.held"], secret="s")
    answer = admin_client.post(url("webhook-test", site, webhook_id=webhook.pk), follow=True)
    assert (
        "Connection refused" in answer.content.decode()
        or "ConnectionRefused" in answer.content.decode()
    )
    assert WebhookDelivery.objects.get().status == DeliveryStatus.FAILED


def test_webhook_list_query_count_does_not_grow(
    site: Site, admin_client: Client, django_assert_num_queries: Any
) -> None:
    def add(n: int) -> None:
        hook = Webhook.objects.create(
            site=site, url=f"https://93.184.215.14/{n}", events=[], secret="s"
        )
        for event in ("comment.held", "ping"):
            WebhookDelivery.objects.create(webhook=hook, event=event, payload={})

    add(0)
    admin_client.get(url("webhooks", site))
    with django_assert_num_queries(5) as few:
        admin_client.get(url("webhooks", site))
    for n in range(1, 8):
        add(n)
    with django_assert_num_queries(len(few.captured_queries)):
        admin_client.get(url("webhooks", site))


def test_webhook_edit_refuses_an_internal_url(site: Site, admin_client: Client) -> None:
    webhook = Webhook.objects.create(
        site=site, url="https://93.184.215.14/a", events=["comment.held"], secret="s"
    )
    answer = admin_client.post(
        url("webhook-edit", site, webhook_id=webhook.pk),
        {"url": "http://169.254.169.254/", "events": ["comment.held"], "is_active": "on"},
    )
    assert answer.status_code == 400
    assert "internal addresses" in answer.content.decode()
    webhook.refresh_from_db()
    assert webhook.url == "https://93.184.215.14/a"
    assert not AuditEntry.objects.exists()


@pytest.fixture
def silent_port() -> Iterator[str]:
    """A URL whose server takes the connection and the request but never answers."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)  # the kernel completes the handshake; no one ever reads or replies
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/hooks"
    listener.close()


def test_webhook_test_delivery_waits_at_most_five_seconds(
    site: Site, admin_client: Client, allow_private: None, monkeypatch: Any, settings: Any
) -> None:
    from debatte.core import guarded_http

    asked: list[float] = []
    real_post = guarded_http.post

    def post(*args: Any, **kwargs: Any) -> Any:
        asked.append(kwargs["timeout"])
        return real_post(*args, **kwargs)

    monkeypatch.setattr(guarded_http, "post", post)
    webhook = Webhook.objects.create(site=site, url="https://127.0.0.1:9/", events=[], secret="s")
    admin_client.post(url("webhook-test", site, webhook_id=webhook.pk))
    settings.DEBATTE = {**settings.DEBATTE, "WEBHOOK_TIMEOUT_SECONDS": 3}
    admin_client.post(url("webhook-test", site, webhook_id=webhook.pk))
    # The deliveries' own timeout is 10 s by default; the admin waiting on the page, 5 at most.
    assert asked == [5, 3]
    page = admin_client.get(url("webhooks", site)).content.decode()
    assert "waits at most 3 seconds for the answer" in page


def test_webhook_test_delivery_to_a_silent_receiver_ends_in_time(
    site: Site, admin_client: Client, allow_private: None, silent_port: str, settings: Any
) -> None:
    import time

    settings.DEBATTE = {**settings.DEBATTE, "WEBHOOK_TIMEOUT_SECONDS": 60}
    webhook = Webhook.objects.create(site=site, url=silent_port, events=[], secret="s")
    started = time.monotonic()
    answer = admin_client.post(url("webhook-test", site, webhook_id=webhook.pk), follow=True)
    took = time.monotonic() - started
    assert 4.5 < took < 15
    assert "did not answer within 5 seconds" in answer.content.decode()
    assert WebhookDelivery.objects.get().status == DeliveryStatus.FAILED
