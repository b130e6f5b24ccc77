"""The background task that delivers one webhook delivery, and schedules its retry."""

from django_tasks import task

from debatte.notifications.delivering import attempt_delivery
from debatte.notifications.models import DeliveryStatus, WebhookDelivery


@task()
def deliver_webhook(delivery_id: int) -> str:
    """Attempt the delivery once; on failure re-enqueue it for `next_attempt_at`."""
    delivery = WebhookDelivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != DeliveryStatus.PENDING:
        return "gone" if delivery is None else delivery.status
    if not delivery.webhook.is_active:
        return "inactive"
    if attempt_delivery(delivery):
        schedule_retry(delivery)
    return delivery.status


def schedule_retry(delivery: WebhookDelivery) -> None:
    """Re-enqueue for `next_attempt_at`; backends that cannot defer (tests) run it at once."""
    if deliver_webhook.get_backend().supports_defer and delivery.next_attempt_at:
        deliver_webhook.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)
    else:
        deliver_webhook.enqueue(delivery.pk)
