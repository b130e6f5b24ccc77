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


def start_heartbeat(each_beat: Callable[[], object] = lambda: None) -> threading.Event:
    """Beat in a daemon thread until the returned event is set (or the process ends); after
    each beat, `each_beat()` (the worker requeues tasks of workers that died meanwhile)."""
    name, started_at, stop = worker_name(), timezone.now(), threading.Event()

    def run() -> None:
        while not stop.is_set():
            try:
                close_old_connections()
                beat(name, started_at)
                each_beat()
            except Exception:  # noqa: BLE001 - a database outage must not end the worker
                logger.warning("worker heartbeat: could not write", exc_info=True)
            stop.wait(HEARTBEAT_SECONDS)
        WorkerHeartbeat.objects.filter(name=name).delete()

    threading.Thread(target=run, name="debatte-heartbeat", daemon=True).start()
    return stop


def live_workers() -> int:
    """How many workers beat recently."""
    return WorkerHeartbeat.objects.filter(seen_at__gte=timezone.now() - STALE_AFTER).count()
