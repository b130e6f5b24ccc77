from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from debatte.articles.models import Article
from debatte.importers.loader import list_exportable_comments
from debatte.importers.management.commands.import_page import as_of_moment
from debatte.importers.seedpage import ExportComment, format_page


class Command(BaseCommand):
    help = "Write an article and its discussion as a flattened page (the seed page's format)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("key")
        parser.add_argument("--as-of", required=True, help="relative ages are counted from it")
        parser.add_argument("--language", default="de", choices=["de", "en"])
        parser.add_argument("--output", "-o", type=Path, help="file to write (default: stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        article = Article.objects.filter(key=options["key"]).first()
        if article is None:
            raise CommandError(f"no article with the key {options['key']!r}")
        comments = [
            ExportComment(c.author_name, c.label, c.created_at, c.body)
            for c in list_exportable_comments(article)
        ]
        text = format_page(
            lead=article.lead,
            body=article.body,
            comments=comments,
            as_of=as_of_moment(options["as_of"]),
            language=options["language"],
        )
        if options["output"]:
            options["output"].write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
