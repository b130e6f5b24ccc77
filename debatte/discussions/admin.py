from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from debatte.core.exceptions import ActionError
from debatte.discussions.models import Comment, Recommendation, Report
from debatte.discussions.services import set_editor_pick


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
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
    readonly_fields = [
        "number",
        "reply_number",
        "last_reply_number",
        "reply_count",
        "recommendation_count",
        "is_editor_pick",
    ]
    actions = ["pick_for_editors", "unpick_for_editors"]

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
class ReportAdmin(admin.ModelAdmin):
    list_display = ["comment", "reason", "reporter", "created_at", "resolved_at"]
    list_filter = ["reason"]
    raw_id_fields = ["comment", "reporter"]


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ["comment", "user", "created_at"]
    raw_id_fields = ["comment", "user"]
