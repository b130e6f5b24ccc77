from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from debatte.ops import backup


class Command(BaseCommand):
    """`debatte restore PATH`: replace the database's content by a backup of `debatte backup`."""

    help = (
        "Replace everything in the database by the backup at PATH (made by `debatte backup`). "
        "Stop the app servers and workers first."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args: Any, path: Path, interactive: bool, **options: Any) -> None:
        vendor = backup.vendor()
        if vendor not in backup.RESTORE:
            raise CommandError(f"Restoring a {vendor} database is not supported.")
        if not path.is_file():
            raise CommandError(f"{path} does not exist.")
        if interactive:
            answer = input(
                f"This replaces everything in the {vendor} database by {path}. Type 'yes': "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")
        try:
            count = backup.RESTORE[vendor](path, progress=options["verbosity"] > 0)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        counted = f" ({count} comments)" if count is not None else ""
        self.stdout.write(
            self.style.SUCCESS(f"Restored the {vendor} database from {path}{counted}.")
        )
