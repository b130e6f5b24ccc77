from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from debatte.articles.admin_scope import SiteScopedAdmin
from debatte.articles.models import Article, Section, Site, SiteMembership
from debatte.articles.services import accept_article, short
from debatte.core import guarded_http
from debatte.core.audit import record
from debatte.core.exceptions import NotPermitted


class SiteMembershipInline(admin.TabularInline):
    model = SiteMembership
    raw_id_fields = ["user"]
    extra = 1


class SiteForm(forms.ModelForm):
    def clean_external_check_url(self) -> str:
        """The check is requested from inside the operator's network: public addresses only."""
        url: str = self.cleaned_data.get("external_check_url") or ""
        if url:
            guarded_http.validate_url(url, code="external_check")
        return url

    def add_error(self, field: str | None, error: Any) -> None:
        # Site.clean() judges the SSO key, which is not in a site admin's form (hidden): its
        # complaint is shown above the form instead of failing on the missing field.
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            shown: dict[str, list[Any]] = {}
            for name, errors in error.error_dict.items():
                key = name if name in self.fields else NON_FIELD_ERRORS
                shown.setdefault(key, []).extend(errors)
            error = ValidationError(shown)
        super().add_error(field, error)


@admin.register(Site)
class SiteAdmin(SiteScopedAdmin):
    form = SiteForm
    site_path = "pk"
    hidden_fields = ("sso_secret", "sso_public_key")
    list_display = ["name", "slug", "language", "moderation_mode", "risk_threshold"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SiteMembershipInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.sites(request) is None and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.sites(request) is None and super().has_delete_permission(request, obj)


@admin.register(Section)
class SectionAdmin(SiteScopedAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Article)
class ArticleAdmin(SiteScopedAdmin):
    list_display = [
        "title",
        "key",
        "site",
        "published_at",
        "listed",
        "discussion_status",
        "comment_count",
    ]
    list_filter = ["listed", "site", "discussion_status", "section"]
    actions = ["accept_articles"]
    search_fields = ["title", "key"]
    # The discussion's state changes through the moderators' tools, which write the audit log.
    readonly_fields = [
        "last_comment_number",
        "comment_count",
        "version",
        "discussion_status",
        "discussion_opens_at",
        "discussion_closes_at",
    ]
    date_hierarchy = "published_at"

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        """Saved as Django's admin saves, and audited as the editor's page audits (which
        field changed, by whom); the discussion's fields are read-only here."""
        super().save_model(request, obj, form, change)
        if change and not form.changed_data:
            return
        record(
            "article.update" if change else "article.create",
            actor=request.user,
            article=obj,
            before=short(", ".join(form.changed_data)),
            details={"admin": True, "changed": list(form.changed_data)},
        )

    @admin.action(description=_("Accept: show on the front page and in listings"))
    def accept_articles(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        """Articles an unsigned embed created wait unlisted until an editor accepts them
        (articles.services.accept_article: the editor's role, the audit log)."""
        accepted = 0
        for article in queryset.filter(listed=False).select_related("site"):
            try:
                accepted += accept_article(article, editor=request.user)
            except NotPermitted as error:
                self.message_user(request, f"{article}: {error.message}", level=messages.ERROR)
        self.message_user(
            request,
            ngettext("%(count)d article accepted.", "%(count)d articles accepted.", accepted)
            % {"count": accepted},
        )
