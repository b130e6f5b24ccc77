from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from debatte.accounts.models import Badge, User
from debatte.articles.admin_scope import SiteScopedAdmin


@admin.register(Badge)
class BadgeAdmin(SiteScopedAdmin):
    site_path = None  # badges hold on every site: superusers only
    list_display = ["label", "slug"]
    prepopulated_fields = {"slug": ["label"]}


@admin.register(User)
class UserAdmin(SiteScopedAdmin, DjangoUserAdmin):
    site_path = None  # readers write on every site (and their e-mails are theirs): superusers only
    ordering = ["display_name"]
    list_display = ["display_name", "email", "is_staff", "is_active", "date_joined"]
    search_fields = ["display_name", "email"]
    filter_horizontal = ["badges", "groups", "user_permissions"]
    fieldsets = (
        (None, {"fields": ("email", "display_name", "password")}),
        (_("Profile"), {"fields": ("badges", "language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("email", "display_name", "password1", "password2")},
        ),
    )


# Other apps' admins (allauth's e-mail addresses and second factors, Django's groups, the task
# results) hold every site's readers' data or no site's: superusers only, like the User admin.
# This module loads after theirs (INSTALLED_APPS order), so it can wrap what they registered.
FOREIGN_APPS = ("account", "mfa", "auth", "django_tasks_database")


class SuperusersOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    @staticmethod
    def superuser(request: HttpRequest) -> bool:
        user: Any = request.user
        return bool(user.is_active and user.is_superuser)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.superuser(request) and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.superuser(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.superuser(request) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.superuser(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.superuser(request) and super().has_delete_permission(request, obj)


def superusers_only(site: admin.AdminSite) -> None:
    for model, model_admin in list(site._registry.items()):
        if model._meta.app_label in FOREIGN_APPS and not isinstance(model_admin, SiteScopedAdmin):
            name = f"SuperusersOnly{type(model_admin).__name__}"
            wrapped = type(name, (SuperusersOnlyAdmin, type(model_admin)), {})
            site.unregister(model)
            site.register(model, wrapped)


superusers_only(admin.site)
