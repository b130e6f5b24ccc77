from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    """`debatte purge`: forget what is kept only for a while (IP addresses of comments).

    The retention period is DEBATTE["IP_RETENTION_DAYS"] (30 days unless set). The background
    task `notifications.tasks.purge_daily` runs this every day; `--schedule` queues it.
    """

    help = "Remove IP addresses older than the retention period; --schedule queues the daily run."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--days", type=int, default=None, help="Retention in days (default: the setting)."
        )
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Also queue the daily purge task for the background worker (once).",
        )

    def handle(self, *args: Any, days: int | None, schedule: bool, **options: Any) -> None:
        # Commands are interfaces: the purge itself lives with the comments' services.
        from debatte.accounts.services import ip_retention_days
        from debatte.discussions.services.retention import purge_ip_addresses

        if days is not None and days < 0:
            self.stderr.write("--days must not be negative.")
            raise SystemExit(2)
        removed = purge_ip_addresses(older_than_days=days)
        kept_days = ip_retention_days() if days is None else days
        self.stdout.write(f"Removed {removed} IP addresses older than {kept_days} days.")
        if schedule:
            from debatte.notifications.tasks import schedule_daily_purge

            queued = schedule_daily_purge()
            self.stdout.write("Daily purge queued." if queued else "Daily purge already queued.")
