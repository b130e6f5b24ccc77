"""The worker's liveness: a row per worker process, touched every HEARTBEAT_SECONDS."""

import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import close_old_connections
from django.utils import timezone

from debatte.ops.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 10
# A worker not seen for this long counts as gone (three missed beats).
STALE_AFTER = timedelta(seconds=3 * HEARTBEAT_SECONDS)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def beat(name: str, started_at: datetime) -> None:
    WorkerHeartbeat.objects.update_or_create(
        name=name, defaults={"started_at": started_at, "seen_at": timezone.now()}
    )


class Heartbeat:
    """A running heartbeat; `stop()` ends it and waits until its row is gone."""

    def __init__(self, thread: threading.Thread, stopping: threading.Event) -> None:
        self._thread, self._stopping = thread, stopping

    def stop(self, timeout: float = 5.0) -> None:
        # Joined, not left to the daemon thread: a worker that exits would otherwise end before
        # its row is removed and still count as alive on /readyz for STALE_AFTER.
        self._stopping.set()
        self._thread.join(timeout)


def start_heartbeat(each_beat: Callable[[], object] = lambda: None) -> Heartbeat:
    """Beat in a daemon thread until stopped (or the process ends); after each beat,
    `each_beat()` (the worker requeues tasks of workers that died meanwhile)."""
    name, started_at, stopping = worker_name(), timezone.now(), threading.Event()

    def run() -> None:
        while not stopping.is_set():
            try:
                close_old_connections()
                beat(name, started_at)
                each_beat()
            except Exception:  # noqa: BLE001 - a database outage must not end the worker
                logger.warning("worker heartbeat: could not write", exc_info=True)
            stopping.wait(HEARTBEAT_SECONDS)
        try:
            WorkerHeartbeat.objects.filter(name=name).delete()
        except Exception:  # noqa: BLE001 - the row goes stale by itself after STALE_AFTER
            logger.warning("worker heartbeat: could not remove the row", exc_info=True)

    thread = threading.Thread(target=run, name="debatte-heartbeat", daemon=True)
    thread.start()
    return Heartbeat(thread, stopping)


def live_workers() -> int:
    """How many workers beat recently."""
    return WorkerHeartbeat.objects.filter(seen_at__gte=timezone.now() - STALE_AFTER).count()
