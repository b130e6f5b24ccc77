from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from debatte.articles.models import Article
from debatte.discussions.services.counters import recount_article


class Command(BaseCommand):
    help = "Recompute the denormalised counters of discussions from their comments."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("keys", nargs="*", help="article keys (default: all articles)")

    def handle(self, *args: Any, **options: Any) -> None:
        articles = Article.objects.order_by("pk")
        if options["keys"]:
            articles = articles.filter(key__in=options["keys"])
            missing = set(options["keys"]) - set(articles.values_list("key", flat=True))
            if missing:
                raise CommandError(f"no article with the key(s): {', '.join(sorted(missing))}")
        for article in tqdm(articles.iterator(), total=articles.count(), unit="article"):
            recount_article(article)
        self.stdout.write(self.style.SUCCESS("Counters recomputed."))
