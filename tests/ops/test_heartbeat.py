"""The worker's heartbeat row lives exactly as long as the worker."""

import time
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from debatte.ops.models import WorkerHeartbeat


@pytest.mark.django_db(transaction=True)
def test_a_stopped_worker_has_removed_its_heartbeat_when_it_exits(
    monkeypatch: Any, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

    seen: list[int] = []

    def work_until_the_first_beat(self: Any, *args: Any, **options: Any) -> None:
        deadline = time.monotonic() + 10
        while not WorkerHeartbeat.objects.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        seen.append(WorkerHeartbeat.objects.count())

    monkeypatch.setattr(DatabaseWorkerCommand, "handle", work_until_the_first_beat)
    call_command("worker", stdout=StringIO())

    assert seen == [1]  # it beat while working
    # Gone when the command returns: /readyz must not count a worker that has exited.
    assert not WorkerHeartbeat.objects.exists()
