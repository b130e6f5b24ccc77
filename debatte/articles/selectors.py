from django.db.models import QuerySet
from django.utils import timezone

from debatte.articles.models import Article


def list_front_page_articles(limit: int = 30) -> QuerySet[Article]:
    """The newest published articles, for the front page; unlisted ones wait for an editor."""
    articles = Article.objects.filter(listed=True, published_at__lte=timezone.now())
    return articles.select_related("section")[:limit]
