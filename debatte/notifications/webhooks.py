"""Webhooks: discussion events delivered, signed, to the URLs a site registered.

Flow: a discussion event (sent after commit, see debatte/discussions/events.py) → `on_event`
asks whether any webhook of the site wants it (cached by subscriptions.py, so most events of
most sites cost no query) → it finds the site's active webhooks subscribed to it → one
`WebhookDelivery` row each, with the payload frozen at that moment → `deliver_webhook`
(tasks_webhooks.py, delivering.py) runs in the background worker, checks that the URL's host
still resolves to public addresses only (targets.py; if not, the delivery is `refused`, not
sent and not retried), POSTs the JSON, signed (signing.py), to exactly the checked addresses,
and on failure retries with exponential backoff up to WEBHOOK_MAX_ATTEMPTS; every attempt is
logged on the row, which site admins read in the Django admin (admin.py), where they can also
redeliver.
"""

import logging
from typing import Any

from django.utils import timezone

from debatte.notifications.models import Webhook, WebhookDelivery
from debatte.notifications.subscriptions import site_wants
from debatte.notifications.tasks_webhooks import deliver_webhook

logger = logging.getLogger(__name__)

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


# --- Redelivering ------------------------------------------------------------------------------


def redeliver(delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again as a new one (the log of the old one stays as it was)."""
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
