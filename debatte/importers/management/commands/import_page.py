from argparse import ArgumentParser
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from debatte.core.exceptions import ActionError
from debatte.importers.loader import load_article
from debatte.importers.seedpage import PageFormatError, parse_page


def as_of_moment(value: str) -> datetime:
    """--as-of YYYY-MM-DD: noon of that day in the site's time zone."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of must be a date like 2022-07-08, not {value!r}") from None
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


class Command(BaseCommand):
    help = "Import a flattened article page (like the seed page) with its discussion."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--key", required=True, help="stable key of the new article")
        parser.add_argument("--title", required=True)
        parser.add_argument(
            "--as-of", required=True, help="the day the page was saved (YYYY-MM-DD)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Command-line output is English, like Django's own commands.
        with translation.override("en"):
            self.import_file(options)

    def import_file(self, options: dict[str, Any]) -> None:
        path: Path = options["path"]
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"cannot read {path}: {error}") from None
        try:
            record = parse_page(
                text,
                key=options["key"],
                title=options["title"],
                as_of=as_of_moment(options["as_of"]),
            )
            article = load_article(record)
        except PageFormatError as error:
            raise CommandError(f"{path}: {error}; nothing was imported") from None
        except ActionError as error:
            raise CommandError(f"{error.message} Nothing was imported.") from None
        except ValidationError as error:
            raise CommandError(f"{'; '.join(error.messages)}. Nothing was imported.") from None
        threads = sum(1 for c in record.comments if not c.reply_number)
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {article.title!r} as {article.key}: {len(record.comments)} comments "
                f"in {threads} threads, {sum(1 for b in record.body if b['kind'] == 'heading')} "
                "subheadings."
            )
        )
