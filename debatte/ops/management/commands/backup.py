from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from debatte.ops import backup


class Command(BaseCommand):
    """`debatte backup PATH`: a consistent copy of the database while Debatte keeps running."""

    help = (
        "Back up the database to PATH while Debatte runs: SQLite's online backup API (a SQLite "
        "file), or pg_dump's custom format for PostgreSQL (docs/operations.md)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--force", action="store_true", help="Replace PATH if it exists.")

    def handle(self, *args: Any, path: Path, force: bool, **options: Any) -> None:
        vendor = backup.vendor()
        if vendor not in backup.BACKUP:
            raise CommandError(f"Backing up a {vendor} database is not supported.")
        if path.exists() and not force:
            raise CommandError(f"{path} exists; choose another path or pass --force.")
        if not path.parent.is_dir():
            raise CommandError(f"The directory {path.parent} does not exist.")
        progress = options["verbosity"] > 0
        try:
            count = backup.BACKUP[vendor](path, progress=progress)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        counted = f" ({count} comments, integrity checked)" if count is not None else ""
        self.stdout.write(
            self.style.SUCCESS(f"Backed up the {vendor} database to {path}{counted}.")
        )
