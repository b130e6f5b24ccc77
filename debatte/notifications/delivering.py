"""Delivering one webhook delivery: the signed POST to the checked addresses, the outcome
recorded on the row, the wait before a retry. The background task (`tasks_webhooks.py`) calls
`attempt_delivery`; queueing and redelivering live in `webhooks.py`."""

import http.client
import json
import logging
import random
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from debatte.core import guarded_http
from debatte.notifications.models import DeliveryStatus, WebhookDelivery
from debatte.notifications.signing import SIGNATURE_HEADER, sign
from debatte.notifications.targets import MESSAGES as TARGET_MESSAGES
from debatte.notifications.targets import TargetRefused

logger = logging.getLogger("debatte.notifications.webhooks")

DEFAULTS = {
    "WEBHOOK_MAX_ATTEMPTS": 8,
    "WEBHOOK_BACKOFF_SECONDS": 30,  # first retry; doubles per attempt (30 s ... about 1 h)
    "WEBHOOK_BACKOFF_MAX_SECONDS": 6 * 3600,
    "WEBHOOK_TIMEOUT_SECONDS": 10,
}
RESPONSE_MAX_BYTES = 64 * 1024  # only the first 300 bytes of an error answer are kept


def option(name: str) -> Any:
    return getattr(settings, "DEBATTE", {}).get(name, DEFAULTS[name])


def request_body(delivery: WebhookDelivery) -> bytes:
    envelope = {
        "id": delivery.pk,
        "event": delivery.event,
        "created_at": delivery.created_at.isoformat(),
        "data": delivery.payload,
    }
    return json.dumps(envelope, sort_keys=True, ensure_ascii=False).encode()


def post(delivery: WebhookDelivery, *, timeout: float | None = None) -> tuple[int | None, str]:
    """POST the delivery once; (status code or None, error text or "").

    `timeout`: seconds for the whole request (default: the WEBHOOK_TIMEOUT_SECONDS option).

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
            timeout=option("WEBHOOK_TIMEOUT_SECONDS") if timeout is None else timeout,
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
