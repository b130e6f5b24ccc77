from django.db.models import QuerySet
from django.utils import timezone

from debatte.articles.models import Article


def list_front_page_articles(limit: int = 30) -> QuerySet[Article]:
    """The newest published articles, for the front page."""
    return Article.objects.filter(published_at__lte=timezone.now()).select_related("section")[
        :limit
    ]
