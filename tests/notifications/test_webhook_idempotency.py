"""Webhooks are delivered at least once; every attempt carries the same Idempotency-Key."""

from typing import Any

import pytest
from django.utils import timezone

from debatte.articles.models import Site, default_site_id
from debatte.notifications.models import Webhook, WebhookDelivery
from debatte.notifications.tasks_webhooks import deliver_webhook
from tests.notifications.receivers import Receiver

pytestmark = pytest.mark.django_db


def test_every_attempt_of_a_delivery_carries_the_same_idempotency_key(
    receiver: Receiver, settings: Any
) -> None:
    settings.DEBATTE = {**settings.DEBATTE, "WEBHOOK_ALLOW_PRIVATE": True}
    hook = Webhook.objects.create(
        site=Site.objects.get(pk=default_site_id()),
        url=receiver.url,
        events=["comment.published"],
        secret="x",
    )
    now = timezone.now()
    delivery = WebhookDelivery.objects.create(
        webhook=hook, event="comment.published", payload={}, created_at=now, next_attempt_at=now
    )
    receiver.statuses = [503]
    deliver_webhook.call(delivery.pk)  # fails once, retried at once by the immediate backend

    keys = [request["headers"].get("Idempotency-Key") for request in receiver.requests]
    assert keys == [f"debatte-delivery-{delivery.pk}"] * 2
