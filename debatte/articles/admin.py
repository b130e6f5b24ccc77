from django.contrib import admin

from debatte.articles.models import Article, Section, Site, SiteMembership


class SiteMembershipInline(admin.TabularInline):
    model = SiteMembership
    raw_id_fields = ["user"]
    extra = 1


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "language", "moderation_mode", "risk_threshold"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SiteMembershipInline]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "key", "site", "published_at", "discussion_status", "comment_count"]
    list_filter = ["site", "discussion_status", "section"]
    search_fields = ["title", "key"]
    readonly_fields = ["last_comment_number", "comment_count", "version"]
    date_hierarchy = "published_at"
