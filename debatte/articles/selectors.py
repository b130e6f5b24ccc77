from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from debatte.articles.models import Article, Site


def list_front_page_articles(limit: int = 30, *, topic: str = "") -> QuerySet[Article]:
    """The newest published articles, for the front page; unlisted ones wait for an editor.
    With `topic`, only the articles tagged with exactly that topic."""
    articles = Article.objects.filter(listed=True, published_at__lte=timezone.now())
    if topic:
        articles = with_topic(articles, topic)
    return articles.select_related("section")[:limit]


def with_topic(articles: QuerySet[Article], topic: str) -> QuerySet[Article]:
    """Articles whose topics include `topic` (PostgreSQL: jsonb containment; SQLite: JSON1)."""
    if connection.features.supports_json_field_contains:
        return articles.filter(topics__contains=[topic])
    # The topic is a parameter; the table name is the model's own.
    sql = 'EXISTS (SELECT 1 FROM json_each("%s"."topics") WHERE json_each.value = %%s)'
    tagged = RawSQL(  # noqa: S611
        sql % Article._meta.db_table, (topic,), output_field=BooleanField()
    )
    return articles.alias(tagged=tagged).filter(tagged=True)


def get_article_by_key(key: str) -> Article | None:
    return Article.objects.select_related("site", "section").filter(key=key).first()


def count_comments_by_key(keys: list[str], *, site_id: int | None = None) -> dict[str, int]:
    """Published comment counts of many articles in one query (unknown keys: 0)."""
    rows = Article.objects.filter(key__in=keys)
    if site_id is not None:
        rows = rows.filter(site_id=site_id)
    found = dict(rows.values_list("key", "comment_count"))
    return {key: found.get(key, 0) for key in keys}


def list_editable_articles(
    site_ids: list[int] | None, *, site: Site | None = None
) -> QuerySet[Article]:
    """The articles of the sites an editor works on (None: all), newest first; unlisted too."""
    articles = Article.objects.select_related("site", "section").order_by("-published_at", "-pk")
    if site_ids is not None:
        articles = articles.filter(site_id__in=site_ids)
    if site is not None:
        articles = articles.filter(site=site)
    return articles


def list_sites(site_ids: list[int] | None) -> QuerySet[Site]:
    sites = Site.objects.order_by("name")
    return sites if site_ids is None else sites.filter(pk__in=site_ids)
