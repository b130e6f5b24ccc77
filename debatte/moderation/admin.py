from django.contrib import admin
from django.http import HttpRequest

from debatte.articles.admin_scope import SiteScopedAdmin
from debatte.moderation.models import Appeal, AuditEntry, Reason, StatementOfReasons, WordListEntry


@admin.register(Reason)
class ReasonAdmin(SiteScopedAdmin):
    list_display = ["label", "kind", "site", "text", "is_active", "position"]
    list_filter = ["site", "kind", "is_active"]
    list_editable = ["is_active", "position"]


@admin.register(WordListEntry)
class WordListEntryAdmin(SiteScopedAdmin):
    list_display = ["phrase", "kind", "site", "created_at"]
    list_filter = ["site", "kind"]
    search_fields = ["phrase"]


@admin.register(AuditEntry)
class AuditEntryAdmin(SiteScopedAdmin):
    """The audit log is read-only, also for administrators."""

    list_display = ["created_at", "actor_name", "verb", "subject", "status_before", "status_after"]
    list_filter = ["verb", "site"]
    search_fields = ["actor_name", "subject", "reason"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(StatementOfReasons)
class StatementOfReasonsAdmin(SiteScopedAdmin):
    list_display = ["created_at", "user", "decision", "automated", "appealable_until"]
    raw_id_fields = ["user", "comment", "decided_by"]


@admin.register(Appeal)
class AppealAdmin(SiteScopedAdmin):
    site_path = "statement__site_id"
    list_display = ["created_at", "statement", "status", "decided_by", "decided_at"]
    list_filter = ["status"]
    raw_id_fields = ["statement", "decided_by"]
