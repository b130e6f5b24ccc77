"""A site's webhooks: created with a signing secret shown once, changed, deleted, and tested
with a signed "ping" delivered at once through the guarded delivery code (no retries)."""

import secrets
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone

from debatte.articles.models import Site
from debatte.moderation.audit import record
from debatte.notifications.delivering import option as delivery_option
from debatte.notifications.delivering import post, refuse_delivery
from debatte.notifications.models import DeliveryStatus, Webhook, WebhookDelivery
from debatte.notifications.targets import TargetRefused

TEST_EVENT = "ping"
# The admin waits for the test's answer on the page: never longer than this, whatever the
# deliveries' own timeout (WEBHOOK_TIMEOUT_SECONDS, 10 s by default).
TEST_TIMEOUT_SECONDS = 5
EDITABLE_FIELDS = ("url", "events", "is_active")


def host_of(url: str) -> str:
    """What the audit log keeps of a webhook's URL: its host (paths often carry a token)."""
    return urlsplit(url).netloc.rpartition("@")[2]


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def create_webhook(
    site: Site, *, actor: Any, url: str, events: list[str], is_active: bool = True
) -> Webhook:
    """A new webhook with a fresh signing secret (the caller shows it once)."""
    with transaction.atomic():
        webhook = Webhook.objects.create(
            site=site, url=url, events=events, is_active=is_active, secret=new_secret()
        )
        record(
            "site.webhook_create",
            actor=actor,
            site_id=site.pk,
            details={"webhook_id": webhook.pk, "host": host_of(url), "events": events},
        )
    return webhook


def update_webhook(webhook: Webhook, *, actor: Any, changes: dict[str, Any]) -> list[str]:
    """Apply validated changes to url, events, is_active; returns the names that changed."""
    fields = [n for n in EDITABLE_FIELDS if n in changes and getattr(webhook, n) != changes[n]]
    if not fields:
        return []
    for name in fields:
        setattr(webhook, name, changes[name])
    with transaction.atomic():
        webhook.save(update_fields=fields)
        record(
            "site.webhook_update",
            actor=actor,
            site_id=webhook.site_id,
            details={"webhook_id": webhook.pk, "fields": fields, "host": host_of(webhook.url)},
        )
    return fields


def rotate_webhook_secret(webhook: Webhook, *, actor: Any) -> str:
    """A new signing secret (returned to be shown once); the old one stops verifying."""
    with transaction.atomic():
        webhook.secret = new_secret()
        webhook.save(update_fields=["secret"])
        record(
            "site.webhook_secret_rotate",
            actor=actor,
            site_id=webhook.site_id,
            details={"webhook_id": webhook.pk, "host": host_of(webhook.url)},
        )
    return webhook.secret


def delete_webhook(webhook: Webhook, *, actor: Any) -> None:
    with transaction.atomic():
        record(
            "site.webhook_delete",
            actor=actor,
            site_id=webhook.site_id,
            details={"webhook_id": webhook.pk, "host": host_of(webhook.url)},
        )
        webhook.delete()


def ping_timeout() -> float:
    """Seconds a test delivery may take: the deliveries' timeout, at most TEST_TIMEOUT_SECONDS."""
    return min(float(delivery_option("WEBHOOK_TIMEOUT_SECONDS")), TEST_TIMEOUT_SECONDS)


def timed_out(delivery: WebhookDelivery) -> bool:
    """The delivery failed because the receiver did not answer in time."""
    failed = delivery.status == DeliveryStatus.FAILED and delivery.last_status_code is None
    return failed and delivery.last_error.startswith("TimeoutError")


def send_test_delivery(webhook: Webhook, *, actor: Any) -> WebhookDelivery:
    """POST a signed test event now, waiting at most `ping_timeout()` seconds, and record the
    answer; a failure is not retried."""
    now = timezone.now()
    delivery = WebhookDelivery.objects.create(
        webhook=webhook,
        event=TEST_EVENT,
        payload={"site": webhook.site.slug, "test": True},
        created_at=now,
    )
    try:
        code, error = post(delivery, timeout=ping_timeout())
    except TargetRefused as refusal:
        refuse_delivery(delivery, reason=str(refusal))
    else:
        delivered = code is not None and 200 <= code < 300
        delivery.attempts = 1
        delivery.last_status_code = code
        delivery.status = DeliveryStatus.DELIVERED if delivered else DeliveryStatus.FAILED
        delivery.delivered_at = timezone.now() if delivered else None
        delivery.last_error = "" if delivered else (error or f"HTTP {code}")
        delivery.save(
            update_fields=["attempts", "last_status_code", "status", "delivered_at", "last_error"]
        )
    record(
        "site.webhook_test",
        actor=actor,
        site_id=webhook.site_id,
        after=delivery.status,
        details={
            "webhook_id": webhook.pk,
            "host": host_of(webhook.url),
            "status_code": delivery.last_status_code,
        },
    )
    return delivery
