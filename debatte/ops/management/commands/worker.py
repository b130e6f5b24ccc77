from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand


class Command(DatabaseWorkerCommand):
    """`debatte worker`: runs the background tasks (e-mail, webhooks, scoring, imports)."""

    help = "Run Debatte's background tasks from the database queue (no broker needed)."

    def handle(self, *args: Any, **options: Any) -> None:
        from debatte.notifications.tasks import schedule_auto_close, schedule_daily_purge
        from debatte.ops.heartbeat import start_heartbeat, worker_name
        from debatte.ops.recovery import requeue_abandoned

        # Claims under the heartbeat's name, so a task of a killed worker can be found again.
        options["worker_id"] = worker_name()
        requeue_abandoned(starting=True)  # what a killed worker left RUNNING runs again
        schedule_daily_purge()  # the daily removal of old IP addresses, queued once
        schedule_auto_close()  # closing discussions after the site's N days, every 10 minutes
        # /readyz tells whether a worker lives; at each beat, tasks of workers that died elsewhere
        # meanwhile are queued again.
        heartbeat = start_heartbeat(each_beat=requeue_abandoned)
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
