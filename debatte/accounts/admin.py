from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
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
