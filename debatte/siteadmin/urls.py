"""Site admins' pages under /verwaltung/<site-slug>/."""

from django.urls import path

from debatte.siteadmin import views

app_name = "siteadmin"

site = "<slug:site_slug>/"
webhook = site + "webhooks/<int:webhook_id>/"

urlpatterns = [
    path("", views.SiteListView.as_view(), name="sites"),
    path(site, views.SettingsView.as_view(), name="settings"),
    path(site + "mitglieder/", views.MembersView.as_view(), name="members"),
    path(
        site + "mitglieder/<int:user_id>/rolle/",
        views.MemberActionView.as_view(action="role"),
        name="member-role",
    ),
    path(
        site + "mitglieder/<int:user_id>/entfernen/",
        views.MemberActionView.as_view(action="remove"),
        name="member-remove",
    ),
    path(site + "api-schluessel/", views.ApiTokensView.as_view(), name="tokens"),
    path(
        site + "api-schluessel/<int:token_id>/widerrufen/",
        views.ApiTokenRevokeView.as_view(),
        name="token-revoke",
    ),
    path(site + "webhooks/", views.WebhooksView.as_view(), name="webhooks"),
    path(webhook, views.WebhookEditView.as_view(), name="webhook-edit"),
    path(webhook + "loeschen/", views.WebhookDeleteView.as_view(), name="webhook-delete"),
    path(webhook + "geheimnis/", views.WebhookSecretView.as_view(), name="webhook-secret"),
    path(webhook + "test/", views.WebhookTestView.as_view(), name="webhook-test"),
]
