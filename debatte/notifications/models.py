from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from debatte.notifications.targets import validate_webhook_url

WEBHOOK_EVENTS = [
    "comment.created",
    "comment.published",
    "comment.rejected",
    "comment.held",
    "report.created",
    "user.banned",
    "user.suspended",
]


class Webhook(models.Model):
    """A URL of the publisher's that receives signed events of one site."""

    site = models.ForeignKey("articles.Site", on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(_("URL"), max_length=500, validators=[validate_webhook_url])
    events = models.JSONField(_("events"), default=list, help_text=", ".join(WEBHOOK_EVENTS))
    secret = models.CharField(_("signing secret"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed")
    REFUSED = "refused", _("refused")  # not sent: the URL's host is internal (targets.py)


class WebhookDelivery(models.Model):
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(_("event"), max_length=40)
    payload = models.JSONField(default=dict)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.event} → {self.webhook} ({self.status})"


class MailDispatch(models.Model):
    """One e-mail per event and recipient: its idempotency key, written before sending.

    A task that runs again (the worker was killed, the task was requeued) finds the key `sent`
    and sends nothing; found `sending`, the earlier attempt was cut off mid-way and the mail is
    sent again with the same Message-ID, so a receiving side can recognise a duplicate.
    """

    class Status(models.TextChoices):
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")

    key = models.CharField(max_length=200, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENDING)
    attempts = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sent e-mail")
        verbose_name_plural = _("sent e-mails")

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"
