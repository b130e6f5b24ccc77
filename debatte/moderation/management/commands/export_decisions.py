from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from debatte.articles.models import Site
from debatte.moderation.labels import write_decision_labels


class Command(BaseCommand):
    help = (
        "Write moderators' approve/reject decisions as JSON lines {text, label} for "
        "`debatte train-classifier --with-site-decisions FILE`."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--site", help="site slug (default: all sites)")

    def handle(self, *args: Any, **options: Any) -> None:
        site_id = None
        if options["site"]:
            site = Site.objects.filter(slug=options["site"]).first()
            if site is None:
                raise CommandError(f"no site with the slug {options['site']!r}")
            site_id = site.pk
        with options["path"].open("w", encoding="utf-8") as out:
            count = write_decision_labels(out, site_id)
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {count} labelled decisions to {options['path']}")
        )
