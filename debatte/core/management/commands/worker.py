from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand


class Command(DatabaseWorkerCommand):
    """`debatte worker`: runs the background tasks (e-mail, webhooks, scoring, imports)."""

    help = "Run Debatte's background tasks from the database queue (no broker needed)."
