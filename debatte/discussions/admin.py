from django.contrib import admin
from django.http import HttpRequest

from debatte.articles.admin_scope import SiteScopedAdmin
from debatte.discussions.models import Comment, Recommendation, Report


@admin.register(Comment)
class CommentAdmin(SiteScopedAdmin):
    site_path = "article__site_id"
    hidden_fields = ("ip_address",)
    list_display = [
        "__str__",
        "article",
        "status",
        "is_editor_pick",
        "recommendation_count",
        "created_at",
    ]
    list_filter = ["status", "is_editor_pick"]
    search_fields = ["author_name", "body", "article__title"]
    raw_id_fields = ["article", "parent", "thread", "author"]
    # Status, text and the moderation fields change only through the moderators' tools, which
    # keep the counters right and write the audit log.
    readonly_fields = [
        "number",
        "reply_number",
        "last_reply_number",
        "reply_count",
        "recommendation_count",
        "is_editor_pick",
        "status",
        "body",
        "moderation_note",
        "moderated_at",
        "moderated_by",
        "edited_at",
        "flags",
        "risk_score",
    ]
    # Editor's picks are moderation decisions (role on the site, audit log): they are made on the
    # article page or in the queue, not here.

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # comments are posted (numbers, counters, the pipeline), never typed in

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Deleting a row would leave the counters wrong and the audit log silent: authors
        # delete (a tombstone), moderators remove, accounts.forgetting erases.
        return False


@admin.register(Report)
class ReportAdmin(SiteScopedAdmin):
    site_path = "comment__article__site_id"
    hidden_fields = ("reporter_email",)
    list_display = ["comment", "reason", "reporter", "created_at", "resolved_at"]
    list_filter = ["reason"]
    raw_id_fields = ["comment", "reporter"]


@admin.register(Recommendation)
class RecommendationAdmin(SiteScopedAdmin):
    site_path = "comment__article__site_id"
    list_display = ["comment", "user", "created_at"]
    raw_id_fields = ["comment", "user"]
