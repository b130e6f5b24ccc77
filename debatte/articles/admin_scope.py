"""The Django admin, scoped to sites: every ModelAdmin of Debatte uses `SiteScopedAdmin`.

A staff user sees and changes only what belongs to the sites where they are a site admin
(`SiteMembership` role "admin"), and still needs the model permissions for it (unless the admin
grants access by the site role alone, `role_grants`, as the webhooks do). Superusers see all.
Models that belong to no site (users, badges) are for superusers only (`site_path = None`).
Foreign-key choices are limited to the user's sites the same way, and secrets and personal data
(`hidden_fields`) never reach a non-superuser's page: they are left out of forms, lists and
searches, and a read-only line says only whether each is set.
"""

from functools import reduce
from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from debatte.articles.models import SiteMembership, SiteRole


def admin_site_ids(request: HttpRequest) -> list[int] | None:
    """The sites this user administers (cached on the request); None means all (superusers)."""
    if hasattr(request, "_debatte_admin_sites"):
        return request._debatte_admin_sites  # type: ignore[no-any-return]
    user: Any = request.user
    sites: list[int] | None
    if user.is_active and user.is_superuser:
        sites = None
    elif not user.is_active or not user.is_staff:
        sites = []
    else:
        memberships = SiteMembership.objects.filter(user=user, role=SiteRole.ADMIN)
        sites = list(memberships.values_list("site_id", flat=True))
    request._debatte_admin_sites = sites  # type: ignore[attr-defined]
    return sites


def _scope(queryset: QuerySet[Any], path: str | None, sites: list[int] | None) -> QuerySet[Any]:
    if sites is None:
        return queryset
    if path is None:
        return queryset.none()
    return queryset.filter(**{f"{path}__in": sites})


class SiteScopedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A ModelAdmin that shows a non-superuser only their sites' objects (see the module)."""

    # The ORM path from the model to its site's id ("pk" for Site); None: belongs to no site.
    site_path: str | None = "site_id"
    # Site admins manage these by their role, without Django's model permissions.
    role_grants = False
    # Fields a non-superuser never sees: secrets and personal data.
    hidden_fields: tuple[str, ...] = ()

    # --- Which objects ------------------------------------------------------------------------

    def sites(self, request: HttpRequest) -> list[int] | None:
        return admin_site_ids(request)

    def site_of(self, obj: Model) -> int | None:
        path = (self.site_path or "pk").split("__")
        return reduce(getattr, path, obj)  # type: ignore[arg-type,return-value]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return _scope(super().get_queryset(request), self.site_path, self.sites(request))

    def _scoped(self, request: HttpRequest, granted: bool, obj: Any = None) -> bool:
        sites = self.sites(request)
        if sites is None:
            return granted
        if self.site_path is None or not sites or not (granted or self.role_grants):
            return False
        return obj is None or self.site_of(obj) in sites

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._scoped(request, super().has_module_permission(request))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._scoped(request, super().has_view_permission(request, obj), obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._scoped(request, super().has_add_permission(request))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._scoped(request, super().has_change_permission(request, obj), obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._scoped(request, super().has_delete_permission(request, obj), obj)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        sites = self.sites(request)
        related = self.admin_site._registry.get(db_field.related_model)
        # Users and badges belong to no site: they stay choosable (by id).
        scoped = isinstance(related, SiteScopedAdmin) and related.site_path is not None
        if field is not None and field.queryset is not None and sites is not None and scoped:
            field.queryset = _scope(field.queryset, related.site_path, sites)  # type: ignore[union-attr]
        return field

    # --- Which fields -------------------------------------------------------------------------

    def _hides(self, request: HttpRequest) -> bool:
        return bool(self.hidden_fields) and self.sites(request) is not None

    def _without_hidden(self, names: Any) -> list[Any]:
        return [name for name in names if name not in self.hidden_fields]

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        exclude = super().get_exclude(request, obj)
        if not self._hides(request):
            return exclude
        return [*(exclude or ()), *self.hidden_fields]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = super().get_fields(request, obj)
        return self._without_hidden(fields) if self._hides(request) else fields

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if not self._hides(request):
            return fieldsets
        return [
            (name, {**options, "fields": self._without_hidden(options.get("fields", ()))})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = self._without_hidden(super().get_readonly_fields(request, obj))
        if self._hides(request):
            readonly.append("hidden_data")
        return readonly

    def get_list_display(self, request: HttpRequest) -> Any:
        shown = super().get_list_display(request)
        return self._without_hidden(shown) if self._hides(request) else shown

    def get_list_filter(self, request: HttpRequest) -> Any:
        filters = super().get_list_filter(request)
        if self.sites(request) is None:
            return filters
        # A relation's filter would list every site (or section...): only the ones in view.
        return [
            (name, admin.RelatedOnlyFieldListFilter) if self._is_relation(name) else name
            for name in self._without_hidden(filters)
        ]

    def _is_relation(self, name: Any) -> bool:
        if not isinstance(name, str):
            return False
        return bool(get_fields_from_path(self.model, name)[-1].is_relation)

    def get_search_fields(self, request: HttpRequest) -> Any:
        searched = super().get_search_fields(request)
        if not self._hides(request):
            return searched
        return [name for name in searched if name.lstrip("^=@") not in self.hidden_fields]

    @admin.display(description=_("hidden data"))
    def hidden_data(self, obj: Any) -> str:
        """Whether each hidden field is set, never its value."""
        lines = []
        for name in self.hidden_fields:
            label = obj._meta.get_field(name).verbose_name
            state = gettext("set (only administrators of the installation see it)")
            lines.append(f"{label}: {state if getattr(obj, name, None) else gettext('not set')}")
        return "; ".join(lines)
