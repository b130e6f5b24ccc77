from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from debatte.articles.models import Article, Site
from debatte.importers.export import export_to_path


class Command(BaseCommand):
    help = (
        "Write sites, articles, comments, authors, moderation state and history and "
        "recommendations as JSON Lines that `debatte import` reads back losslessly."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--site", help="only this site (slug)")
        parser.add_argument("--article", help="only this article (key)")

    def handle(self, *args: Any, **options: Any) -> None:
        site = article = None
        if options["site"]:
            site = Site.objects.filter(slug=options["site"]).first()
            if site is None:
                raise CommandError(f"no site with the slug {options['site']!r}")
        if options["article"]:
            article = Article.objects.filter(key=options["article"]).first()
            if article is None:
                raise CommandError(f"no article with the key {options['article']!r}")
        rows = export_to_path(options["path"], site=site, article=article)
        self.stdout.write(f"exported {rows} rows to {options['path']}")
