"""Webhook payloads that name a reader: their part of deleting the account (registered with
`accounts.forgetting` in `NotificationsConfig.ready`). Mails hold nothing after sending."""

from typing import Any

from django.db.models import Q

from debatte.accounts.forgetting import Departure, deleted_name
from debatte.discussions.models import Comment
from debatte.notifications.models import WebhookDelivery

BATCH = 500
# Payload keys that hold a person ({"id", "display_name"}): notifications/webhooks.py.
PERSON_KEYS = ("user", "reporter", "by")


def forget(departure: Departure) -> None:
    """Deliveries logged or still waiting: the reader becomes anonymous, their text goes when
    their comment was removed (a kept comment's text is public under the placeholder)."""
    user, comment_ids = departure.user, departure.comment_ids
    about = Q(payload__comment__id__in=list(comment_ids)) if comment_ids else Q(pk__in=[])
    for key in PERSON_KEYS:
        about |= Q(**{f"payload__{key}__id": user.pk})
    removed = set(Comment.objects.filter(pk__in=comment_ids, body="").values_list("pk", flat=True))
    batch: list[WebhookDelivery] = []
    for delivery in WebhookDelivery.objects.filter(about).iterator(chunk_size=BATCH):
        delivery.payload = _anonymous_payload(delivery.payload, user.pk, comment_ids, removed)
        batch.append(delivery)
    WebhookDelivery.objects.bulk_update(batch, ["payload"], batch_size=BATCH)


def _anonymous_payload(payload: Any, user_id: int, comment_ids: set[int], removed: set[int]) -> Any:
    if not isinstance(payload, dict):
        return payload
    anonymous = {"id": None, "display_name": deleted_name()}
    data = dict(payload)
    for key in PERSON_KEYS:
        person = data.get(key)
        if isinstance(person, dict) and person.get("id") == user_id:
            data[key] = anonymous
    comment = data.get("comment")
    if isinstance(comment, dict) and comment.get("id") in comment_ids:
        comment = {**comment, "author": anonymous}
        if comment.get("id") in removed:
            comment["text"] = ""
        data["comment"] = comment
    return data
