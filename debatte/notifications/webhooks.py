"""Webhooks: discussion events delivered, signed, to the URLs a site registered.

Flow: a discussion event (sent after commit, see debatte/discussions/events.py) → `on_event`
asks whether any webhook of the site wants it (cached by subscriptions.py, so most events of
most sites cost no query) → it finds the site's active webhooks subscribed to it → one
`WebhookDelivery` row each, with the payload frozen at that moment → `deliver_webhook`
(tasks_webhooks.py) runs in the background worker, checks that the URL's host still resolves to
public addresses only (targets.py; if not, the delivery is `refused`, not sent and not retried),
POSTs the JSON, signed (signing.py), to exactly the checked addresses, and on failure retries
with exponential backoff up to WEBHOOK_MAX_ATTEMPTS; every attempt is logged on the row, which
site admins read in the Django admin (admin.py), where they can also redeliver.
"""

import http.client
import json
import logging
import random
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from debatte.core import guarded_http
from debatte.notifications.models import DeliveryStatus, Webhook, WebhookDelivery
from debatte.notifications.signing import SIGNATURE_HEADER, sign
from debatte.notifications.subscriptions import site_wants
from debatte.notifications.targets import MESSAGES as TARGET_MESSAGES
from debatte.notifications.targets import TargetRefused

logger = logging.getLogger(__name__)

DEFAULTS = {
    "WEBHOOK_MAX_ATTEMPTS": 8,
    "WEBHOOK_BACKOFF_SECONDS": 30,  # first retry; doubles per attempt (30 s ... about 1 h)
    "WEBHOOK_BACKOFF_MAX_SECONDS": 6 * 3600,
    "WEBHOOK_TIMEOUT_SECONDS": 10,
}
RESPONSE_MAX_BYTES = 64 * 1024  # only the first 300 bytes of an error answer are kept


def option(name: str) -> Any:
    return getattr(settings, "DEBATTE", {}).get(name, DEFAULTS[name])


# --- Payloads ----------------------------------------------------------------------------------


def _person(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "display_name": user.display_name}


def comment_data(comment: Any) -> dict[str, Any]:
    article = comment.article
    return {
        "id": comment.pk,
        "label": comment.label,
        "number": comment.number,
        "reply_number": comment.reply_number,
        "reply_to": comment.parent_label,
        "status": comment.status,
        "author": {"id": comment.author_id, "display_name": comment.author_name},
        "text": comment.body,
        "created_at": comment.created_at.isoformat() if comment.created_at else None,
        "url": comment.get_absolute_url(),
        "article": {
            "key": article.key,
            "title": article.title,
            "canonical_url": article.canonical_url,
        },
    }


def build_payload(name: str, *, comment: Any, user: Any, extra: dict[str, Any]) -> dict[str, Any]:
    """The event's data: JSON-safe, frozen when the event happens."""
    data: dict[str, Any] = {}
    if comment is not None:
        data["comment"] = comment_data(comment)
    if name.startswith("user."):
        data["user"] = _person(user)
    elif name.startswith("report."):
        data["reporter"] = _person(user)
    elif name in ("comment.recommended", "comment.featured") and user is not None:
        data["by"] = _person(user)
    data.update(
        {key: value for key, value in extra.items() if isinstance(value, str | int | float | bool)}
    )
    return data


def event_site_id(comment: Any, extra: dict[str, Any]) -> int | None:
    if extra.get("site_id"):
        return int(extra["site_id"])
    if comment is not None:
        return int(comment.article.site_id)
    return None


# --- Queueing ----------------------------------------------------------------------------------


def subscribed(webhook: Webhook, name: str) -> bool:
    events = webhook.events if isinstance(webhook.events, list) else []
    return name in events or "*" in events


def queue_deliveries(name: str, *, site_id: int, data: dict[str, Any]) -> list[WebhookDelivery]:
    """One delivery per active webhook of the site that wants `name`, sent in the background."""
    from debatte.notifications.tasks_webhooks import deliver_webhook

    hooks = [
        h for h in Webhook.objects.filter(site_id=site_id, is_active=True) if subscribed(h, name)
    ]
    if not hooks:
        return []
    now = timezone.now()
    deliveries = [
        WebhookDelivery.objects.create(
            webhook=hook, event=name, payload=data, created_at=now, next_attempt_at=now
        )
        for hook in hooks
    ]
    for delivery in deliveries:
        deliver_webhook.enqueue(delivery.pk)
    return deliveries


def on_event(
    sender: Any,
    *,
    name: str,
    comment: Any = None,
    user: Any = None,
    extra: dict[str, Any] | None = None,
    **kwargs: Any,
) -> None:
    extra = extra or {}
    site_id = event_site_id(comment, extra)
    if site_id is None:
        logger.info("webhooks: event %s names no site; not delivered", name)
        return
    if not site_wants(site_id, name):
        return  # no webhook of the site wants it (cached: no query)
    data = build_payload(name, comment=comment, user=user, extra=extra)
    queue_deliveries(name, site_id=site_id, data=data)


def connect() -> None:
    """Connect this module's receivers to `discussion_event` (called once at start-up)."""
    from debatte.discussions.events import discussion_event

    discussion_event.connect(on_event, dispatch_uid="debatte.notifications.webhooks")


# --- Delivering --------------------------------------------------------------------------------


def request_body(delivery: WebhookDelivery) -> bytes:
    envelope = {
        "id": delivery.pk,
        "event": delivery.event,
        "created_at": delivery.created_at.isoformat(),
        "data": delivery.payload,
    }
    return json.dumps(envelope, sort_keys=True, ensure_ascii=False).encode()


def post(delivery: WebhookDelivery) -> tuple[int | None, str]:
    """POST the delivery once; (status code or None, error text or "").

    Raises TargetRefused, before anything is sent, when the URL may not receive webhooks (now).
    No redirect is followed: it is an answer like any other non-2xx, the delivery failed."""
    body = request_body(delivery)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Debatte-Webhooks/1",
        "Debatte-Event": delivery.event,
        "Debatte-Delivery": str(delivery.pk),
        # Delivered at least once (a retry, a worker killed mid-way): receivers drop repeats.
        "Idempotency-Key": f"debatte-delivery-{delivery.pk}",
        SIGNATURE_HEADER: sign(delivery.webhook.secret, body),
    }
    try:
        response = guarded_http.post(
            delivery.webhook.url,
            body,
            headers=headers,
            timeout=option("WEBHOOK_TIMEOUT_SECONDS"),
            max_bytes=RESPONSE_MAX_BYTES,
            messages=TARGET_MESSAGES,
        )
    except (OSError, ValueError, http.client.HTTPException) as error:
        return None, repr(error)[:500]
    if 200 <= response.status < 300:
        return response.status, ""
    detail = response.body[:300].decode(errors="replace")
    return response.status, f"HTTP {response.status}: {detail}".strip()


def backoff(attempts: int) -> timedelta:
    """Wait before attempt `attempts + 1`: base · 2^(attempts-1), capped, with ±10 % jitter."""
    seconds = min(
        option("WEBHOOK_BACKOFF_SECONDS") * 2 ** max(attempts - 1, 0),
        option("WEBHOOK_BACKOFF_MAX_SECONDS"),
    )
    return timedelta(seconds=seconds * random.uniform(0.9, 1.1))  # noqa: S311


def attempt_delivery(delivery: WebhookDelivery) -> bool:
    """Try once and record the outcome; returns True when a retry should be scheduled."""
    try:
        code, error = post(delivery)
    except TargetRefused as refusal:
        refuse_delivery(delivery, reason=str(refusal))
        return False
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_status_code = code
    if code is not None and 200 <= code < 300:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at, delivery.next_attempt_at, delivery.last_error = now, None, ""
    elif delivery.attempts >= option("WEBHOOK_MAX_ATTEMPTS"):
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        delivery.last_error = error or f"HTTP {code}"
    else:
        delivery.next_attempt_at = now + backoff(delivery.attempts)
        delivery.last_error = error or f"HTTP {code}"
    delivery.save(
        update_fields=[
            "attempts",
            "last_status_code",
            "status",
            "delivered_at",
            "next_attempt_at",
            "last_error",
        ]
    )
    return delivery.status == DeliveryStatus.PENDING


def refuse_delivery(delivery: WebhookDelivery, *, reason: str) -> None:
    """Record that the delivery was not sent because its URL may not receive webhooks."""
    logger.warning("webhooks: delivery %s to %s refused: %s", delivery.pk, delivery.webhook, reason)
    delivery.attempts += 1
    delivery.status, delivery.last_status_code = DeliveryStatus.REFUSED, None
    delivery.next_attempt_at, delivery.last_error = None, reason
    delivery.save(
        update_fields=["attempts", "status", "last_status_code", "next_attempt_at", "last_error"]
    )


def redeliver(delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again as a new one (the log of the old one stays as it was)."""
    from debatte.notifications.tasks_webhooks import deliver_webhook

    now = timezone.now()
    copy = WebhookDelivery.objects.create(
        webhook=delivery.webhook,
        event=delivery.event,
        payload=delivery.payload,
        created_at=now,
        next_attempt_at=now,
    )
    deliver_webhook.enqueue(copy.pk)
    return copy
