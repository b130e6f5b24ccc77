from django.contrib import admin

from debatte.articles.models import Article, Section


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "key", "section", "published_at", "discussion_status", "comment_count"]
    list_filter = ["discussion_status", "section"]
    search_fields = ["title", "key"]
    readonly_fields = ["last_comment_number", "comment_count", "version"]
    date_hierarchy = "published_at"
