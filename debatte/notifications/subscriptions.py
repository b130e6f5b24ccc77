"""Which events a site's webhooks want, cached, so that events nobody subscribed to cost no query.

Most sites have no webhooks, yet every discussion event asks (two per posted comment). The
answer, the union of the `events` of the site's active webhooks, is kept in Django's cache for
WEBHOOK_SUBSCRIPTIONS_CACHE_SECONDS (10) and forgotten whenever one of the site's webhooks is
saved or deleted (at once and again when that transaction commits, so that a post reading the
old rows in between cannot keep them). With a cache that each process keeps for itself (the
default local-memory cache) and several app servers, a webhook added on one server is seen by
the others within those seconds. A stale answer that says "subscribed" only costs the query it
would have made anyway: `queue_deliveries` reads the webhooks themselves.
"""

import contextlib
import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from debatte.notifications.models import Webhook

logger = logging.getLogger(__name__)

DEFAULT_CACHE_SECONDS = 10


def _key(site_id: int) -> str:
    return f"debatte:webhook-events:{site_id}"


def _cache_seconds() -> float:
    debatte = getattr(settings, "DEBATTE", {})
    return float(debatte.get("WEBHOOK_SUBSCRIPTIONS_CACHE_SECONDS", DEFAULT_CACHE_SECONDS))


def subscribed_events(site_id: int) -> frozenset[str]:
    """The events some active webhook of the site wants ("*" for all of them)."""
    key = _key(site_id)
    try:
        events = cache.get(key)
    except Exception:  # noqa: BLE001 - a cache outage must not lose a delivery: ask the database
        logger.warning("webhooks: cache unavailable; reading the subscriptions of site %s", site_id)
        events = None
    if events is None:
        rows = Webhook.objects.filter(site_id=site_id, is_active=True).values_list("events")
        events = frozenset(e for (listed,) in rows if isinstance(listed, list) for e in listed)
        with contextlib.suppress(Exception):  # not cached: the next event asks again
            cache.set(key, events, _cache_seconds())
    return events  # type: ignore[no-any-return]


def site_wants(site_id: int, name: str) -> bool:
    events = subscribed_events(site_id)
    return name in events or "*" in events


def forget(site_id: int) -> None:
    """Drop the cached answer for the site, now and when the current transaction commits."""
    cache.delete(_key(site_id))
    transaction.on_commit(lambda: cache.delete(_key(site_id)))


def _webhook_changed(sender: Any, *, instance: Webhook, **kwargs: Any) -> None:
    if instance.site_id is not None:
        forget(instance.site_id)


def connect() -> None:
    """Forget a site's cached subscriptions whenever one of its webhooks changes."""
    post_save.connect(_webhook_changed, sender=Webhook, dispatch_uid="webhook-subscriptions-save")
    post_delete.connect(
        _webhook_changed, sender=Webhook, dispatch_uid="webhook-subscriptions-delete"
    )
