"""Webhooks in the Django admin: each site's admins see and manage their site's webhooks and the
log of every delivery (status, attempts, last answer), and can redeliver."""

import secrets
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from debatte.articles.admin_scope import SiteScopedAdmin
from debatte.discussions.events import EVENTS
from debatte.notifications.models import Webhook, WebhookDelivery
from debatte.notifications.webhooks import redeliver

RECENT_DELIVERIES = 20


class WebhookForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("events"), choices=[(e, e) for e in EVENTS], widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Webhook
        fields = ["site", "url", "events", "secret", "is_active"]


@admin.register(Webhook)
class WebhookAdmin(SiteScopedAdmin):
    role_grants = True  # a site's admins manage its webhooks by their role
    form = WebhookForm
    list_display = ["url", "site", "event_list", "is_active", "created_at"]
    list_filter = ["is_active", "site"]
    search_fields = ["url"]
    readonly_fields = ["recent_deliveries"]
    actions = ["send_test_event"]

    list_select_related = ["site"]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("secret", secrets.token_urlsafe(32))
        return initial

    @admin.display(description=_("events"))
    def event_list(self, webhook: Webhook) -> str:
        return ", ".join(webhook.events or [])

    @admin.display(description=_("recent deliveries"))
    def recent_deliveries(self, webhook: Webhook) -> str:
        if webhook.pk is None:
            return "–"
        rows = webhook.deliveries.order_by("-created_at")[:RECENT_DELIVERIES]
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    d.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                    d.event,
                    d.get_status_display(),
                    d.attempts,
                    d.last_status_code or "–",
                    d.last_error[:120],
                )
                for d in rows
            ),
        )
        link = f"../../webhookdelivery/?webhook__id__exact={webhook.pk}"
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>"
            '</tr></thead><tbody>{}</tbody></table><p><a href="{}">{}</a></p>',
            _("created"),
            _("event"),
            _("status"),
            _("attempts"),
            _("HTTP"),
            _("last error"),
            body,
            link,
            _("All deliveries of this webhook"),
        )

    @admin.action(description=_("Send a test event"))
    def send_test_event(self, request: HttpRequest, queryset: QuerySet[Webhook]) -> None:
        from debatte.notifications.tasks_webhooks import deliver_webhook

        for webhook in queryset:
            delivery = WebhookDelivery.objects.create(
                webhook=webhook, event="ping", payload={"site": webhook.site_id}
            )
            deliver_webhook.enqueue(delivery.pk)
        self.message_user(request, _("Test events queued."), messages.SUCCESS)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(SiteScopedAdmin):
    site_path = "webhook__site_id"
    role_grants = True
    list_display = [
        "created_at",
        "event",
        "webhook",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "delivered_at",
    ]
    list_filter = ["status", "event", "webhook__site"]
    list_select_related = ["webhook"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    date_hierarchy = "created_at"
    actions = ["redeliver_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Redeliver the selected deliveries"), permissions=["view"])
    def redeliver_selected(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        deliveries = list(queryset.select_related("webhook"))
        for delivery in deliveries:
            redeliver(delivery)
        count = len(deliveries)
        message = ngettext(
            "%(count)d delivery queued again.", "%(count)d deliveries queued again.", count
        )
        self.message_user(request, message % {"count": count}, messages.SUCCESS)
