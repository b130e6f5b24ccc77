"""The Django admin's Site page saves through the site settings service, so a change made there
is audited exactly as one made on the settings page (`site.settings_change`, secrets by name
only). Its staff list is read-only here: members and roles are changed on the settings page's
Members page (`siteadmin.services.members`: audited, a site keeps an admin, the accounts of
moderating API tokens are left alone). Registered over articles' SiteAdmin, which sits on a
floor below siteadmin and cannot import its services."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from debatte.articles.admin import SiteAdmin as ArticlesSiteAdmin
from debatte.articles.admin import SiteMembershipInline
from debatte.articles.models import Site
from debatte.siteadmin.services.site_settings import (
    delete_site,
    record_site_created,
    update_site_settings,
)


def settings_link(site: Site, page: str, label: str) -> str:
    url = reverse(f"siteadmin:{page}", kwargs={"site_slug": site.slug})
    return format_html('<a href="{}">{}</a>', url, label)


class ReadOnlyMembershipInline(SiteMembershipInline):
    """The site's staff, shown; changed on the Members page of the site settings."""

    extra = 0
    can_delete = False
    readonly_fields = ["user", "role"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


admin.site.unregister(Site)


@admin.register(Site)
class SiteAdmin(ArticlesSiteAdmin):
    inlines = [ReadOnlyMembershipInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "settings_pages"] if obj is not None else readonly

    @admin.display(description=_("site settings"))
    def settings_pages(self, obj: Site) -> str:
        """Where members, API tokens and webhooks are managed (and the settings, audited)."""
        links = [
            settings_link(obj, "settings", gettext("Settings")),
            settings_link(obj, "members", gettext("Members and roles")),
            settings_link(obj, "tokens", gettext("API tokens")),
            settings_link(obj, "webhooks", gettext("Webhooks")),
        ]
        return format_html(" · ".join(["{}"] * len(links)), *links)

    def save_model(self, request: HttpRequest, obj: Site, form: Any, change: bool) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            record_site_created(obj, actor=request.user)
            return
        # `obj` carries the form's values; the service compares them with the stored site.
        stored = Site.objects.get(pk=obj.pk)
        changes = {name: getattr(obj, name) for name in form.changed_data}
        update_site_settings(stored, actor=request.user, changes=changes)

    def delete_model(self, request: HttpRequest, obj: Site) -> None:
        delete_site(obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Site]) -> None:
        for site in queryset:
            delete_site(site, actor=request.user)
