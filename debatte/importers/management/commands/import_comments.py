from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from debatte.articles.models import Site
from debatte.importers.detect import FORMATS
from debatte.importers.records import ImportFormatError
from debatte.importers.runner import run_import


class Command(BaseCommand):
    help = (
        "Import comments from Disqus, WordPress (WXR), Isso, Remark42, Commento or a Debatte "
        "export. Running it again adds nothing twice."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--site", help="slug of the site the new articles belong to")
        parser.add_argument("--format", default="auto", choices=["auto", *FORMATS])
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would be imported; write nothing"
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bars")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        site = None
        if options["site"]:
            site = Site.objects.filter(slug=options["site"]).first()
            if site is None:
                raise CommandError(f"no site with the slug {options['site']!r}")
        with translation.override("en"):
            try:
                report = run_import(
                    path,
                    fmt=options["format"],
                    site=site,
                    dry_run=options["dry_run"],
                    show_progress=False if options["no_progress"] else None,
                )
            except ImportFormatError as error:
                raise CommandError(f"{path}: {error} (nothing of it was imported)") from None
        for problem in report.problems:
            self.stderr.write(f"{path}: {problem}")
        self.stdout.write(report.summary())
