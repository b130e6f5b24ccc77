"""Tasks whose worker died while running them (kill -9, OOM, a lost machine) run again.

The database queue marks a task RUNNING when a worker claims it and never looks back: a task
whose worker was killed would stay RUNNING forever and its mail or webhook never go out. Each
`debatte worker` claims under its heartbeat name (host:pid) and, when it starts and at every
beat, puts back to READY the RUNNING tasks of workers that are gone:

- on this host, a worker whose process no longer exists (found at once);
- elsewhere, a worker without a heartbeat for STALE_AFTER, for tasks started before that.

So tasks run at least once; the tasks make a second run harmless (notifications/idempotency.py
for mail, the Idempotency-Key header for webhooks).
"""

import logging
import os
import socket
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus

from debatte.ops.heartbeat import STALE_AFTER, worker_name
from debatte.ops.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


def _process_gone(name: str) -> bool:
    """True when `name` (host:pid) is a process of this host that no longer exists."""
    host, _sep, pid = name.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # exists, under another user
        return False
    return False


def requeue_abandoned(*, starting: bool = False, now: datetime | None = None) -> int:
    """Put the RUNNING tasks of gone workers back to READY; how many.

    `starting`: this process has run nothing yet, so tasks under its own name (a restarted
    container reuses host and pid) are abandoned too."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    me = worker_name()
    recent = set(
        WorkerHeartbeat.objects.filter(seen_at__gte=now - STALE_AFTER).values_list(
            "name", flat=True
        )
    )
    abandoned = []
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    for task_id, worker_ids, started_at in running.values_list("id", "worker_ids", "started_at"):
        worker = worker_ids[-1] if worker_ids else ""
        if worker == me:
            gone = starting
        elif _process_gone(worker):
            gone = True
        else:
            gone = worker not in recent and (started_at is None or started_at < now - STALE_AFTER)
        if gone:
            abandoned.append(task_id)
    if not abandoned:
        return 0
    with transaction.atomic():
        count = DBTaskResult.objects.filter(
            pk__in=abandoned, status=TaskResultStatus.RUNNING
        ).update(status=TaskResultStatus.READY, started_at=None)
    logger.warning("worker: %d task(s) of gone workers queued again", count)
    return count
