from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from debatte.articles.admin_scope import SiteScopedAdmin
from debatte.core.exceptions import ActionError
from debatte.discussions.models import Comment, Recommendation, Report
from debatte.discussions.services import set_editor_pick


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
    actions = ["pick_for_editors", "unpick_for_editors"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # comments are posted (numbers, counters, the pipeline), never typed in

    @admin.action(description=_("Mark as editor's recommendation"))
    def pick_for_editors(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._set_pick(request, queryset, picked=True)

    @admin.action(description=_("Remove editor's recommendation"))
    def unpick_for_editors(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._set_pick(request, queryset, picked=False)

    def _set_pick(self, request: HttpRequest, queryset: QuerySet[Comment], *, picked: bool) -> None:
        for comment in queryset:
            try:
                set_editor_pick(comment, actor=request.user, picked=picked)  # type: ignore[arg-type]
            except ActionError as error:
                self.message_user(request, f"{comment}: {error.message}", messages.ERROR)


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
