"""A task whose worker died while running it (kill -9) is queued again, once the worker is gone."""

import os
import socket
import subprocess
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus

from debatte.ops.heartbeat import beat, worker_name
from debatte.ops.recovery import requeue_abandoned

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(settings: Any):
    """`running(worker, started)`: a task claimed by `worker` and left RUNNING."""
    from django_tasks_db.models import DBTaskResult

    from debatte.notifications.tasks import send_reply_mail

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    def make(worker: str, started: timedelta = timedelta(0)) -> Any:
        result = send_reply_mail.enqueue(1)
        row = DBTaskResult.objects.get(pk=result.id)
        row.claim(worker)
        DBTaskResult.objects.filter(pk=row.pk).update(started_at=timezone.now() - started)
        return row

    return make


def status(row: Any) -> str:
    row.refresh_from_db()
    return str(row.status)


def dead_pid() -> int:
    finished = subprocess.Popen(["true"])  # noqa: S603, S607
    finished.wait()
    return finished.pid


def test_a_task_of_a_killed_worker_on_this_host_runs_again_at_once(running) -> None:
    host = socket.gethostname()
    killed = running(f"{host}:{dead_pid()}")
    beat(f"{host}:{dead_pid()}", timezone.now())  # its last beat is still fresh
    alive = running(f"{host}:{os.getppid()}")
    assert requeue_abandoned() == 1
    assert status(killed) == TaskResultStatus.READY
    assert status(alive) == TaskResultStatus.RUNNING


def test_a_worker_elsewhere_counts_as_gone_only_after_its_heartbeat_stopped(running) -> None:
    beating = running("elsewhere:17", started=timedelta(minutes=5))
    beat("elsewhere:17", timezone.now())
    silent = running("elsewhere:18", started=timedelta(minutes=5))
    just_started = running("elsewhere:19")
    assert requeue_abandoned() == 1
    assert status(silent) == TaskResultStatus.READY
    assert status(beating) == status(just_started) == TaskResultStatus.RUNNING


def test_a_starting_worker_takes_back_what_its_name_left_running(running) -> None:
    # A restarted container has the same host name and pid as the worker that died in it.
    mine = running(worker_name())
    assert requeue_abandoned() == 0
    assert requeue_abandoned(starting=True) == 1
    assert status(mine) == TaskResultStatus.READY
