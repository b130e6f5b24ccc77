"""`debatte serve`: uvicorn's process supervisor in front of N worker processes.

Why uvicorn (measured with wrk against uvicorn, gunicorn with uvicorn workers, gunicorn's own
ASGI worker and granian; docs/deploying.md has the numbers): each spends about 5 ms of CPU per
request within 5 % of the others, since Django's work dominates. uvicorn is already a
dependency, brings each new worker up before retiring the old one on SIGHUP, replaces dead
workers and recycles them after --max-requests, writes an access log, and takes its trusted
proxies as addresses or networks like core/clientip.py. Granian recycles by age or memory only
and ignores forwarded headers; gunicorn would be a second server to maintain.
"""

import os
import shutil
import tempfile
from argparse import ArgumentParser, BooleanOptionalAction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from debatte.core.fdlimits import current_stream_capacity

if TYPE_CHECKING:
    import uvicorn


def default_workers() -> int:
    """One per core with Redis; one without (live updates and limits would stay per process)."""
    if not settings.REDIS_URL:
        return 1
    return max(1, len(os.sched_getaffinity(0)))


def metrics_directory() -> Path:
    """A fresh, empty directory the workers of this run share for their metrics.

    prometheus-client's multiprocess mode sums the files of every worker (recycled ones
    included, so counters never go back); a previous run's files would be counted again."""
    configured = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "").strip()
    if configured:
        # It must exist before Django starts (prometheus-client opens its files at import);
        # emptied, not replaced: under systemd it is the service's RuntimeDirectory.
        path = Path(configured)
        path.mkdir(parents=True, exist_ok=True)
        for entry in path.iterdir():
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
        return path
    return Path(tempfile.mkdtemp(prefix="debatte-metrics-"))


class Command(BaseCommand):
    help = (
        "Serve Debatte with uvicorn (ASGI) in worker processes; static files through WhiteNoise. "
        "SIGHUP restarts the workers one by one, SIGTERM stops gracefully."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="worker processes (default: one per core with REDIS_URL, else 1)",
        )
        parser.add_argument("--log-level", default="info")
        parser.add_argument(
            "--access-log", action=BooleanOptionalAction, default=True, help="log every request"
        )
        parser.add_argument(
            "--max-requests",
            type=int,
            default=10000,
            help="replace a worker after this many requests (0: never)",
        )
        parser.add_argument(
            "--max-requests-jitter",
            type=int,
            default=None,
            help="up to this many more, so workers are not replaced together (default: 10%%)",
        )
        parser.add_argument(
            "--graceful-timeout",
            type=int,
            default=10,
            help="seconds a stopping worker waits for open requests (live streams reconnect)",
        )
        parser.add_argument(
            "--start-timeout",
            type=int,
            default=30,
            help="seconds a new worker has to load Django and answer the supervisor's check",
        )
        parser.add_argument(
            "--keep-alive",
            type=int,
            default=5,
            help="seconds an idle keep-alive connection stays open (keep the proxy's lower)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        import uvicorn

        workers = options["workers"] or default_workers()
        if workers < 1:
            raise CommandError("--workers must be at least 1")
        if workers > 1 and not settings.REDIS_URL:
            self.stderr.write(
                "Warning: several workers without REDIS_URL: live updates, the response cache "
                "and the limits stay per process (docs/deploying.md)."
            )
        max_requests = max(0, options["max_requests"])
        jitter = options["max_requests_jitter"]
        if jitter is None:
            jitter = max_requests // 10
        # The server believes X-Forwarded-For/-Proto from the same proxies as Debatte does
        # (core/clientip.py), so the access log, the scheme and REMOTE_ADDR agree with it.
        trusted = list(settings.DEBATTE.get("TRUSTED_PROXIES", []))
        metrics = metrics_directory()
        configured = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics)  # inherited by the workers

        self.stdout.write(
            f"Debatte on http://{options['host']}:{options['port']}/ with {workers} worker(s)"
        )
        # Said at start, so an operator sees how many readers one process can stream to.
        capacity = current_stream_capacity()
        self.stdout.write(capacity.describe())
        self.stdout.flush()

        config = uvicorn.Config(
            "config.asgi:application",
            host=options["host"],
            port=options["port"],
            workers=workers,
            log_level=options["log_level"],
            access_log=options["access_log"],
            proxy_headers=bool(trusted),
            forwarded_allow_ips=trusted or None,
            limit_max_requests=max_requests or None,
            limit_max_requests_jitter=jitter if max_requests else 0,
            timeout_graceful_shutdown=options["graceful_timeout"],
            timeout_keep_alive=options["keep_alive"],
            # uvicorn's 5 s is less than Django takes to start on a busy machine: SIGHUP would
            # give up and keep the old workers.
            timeout_worker_healthcheck=options["start_timeout"],
            lifespan="off",
        )
        try:
            supervise(config)
        finally:
            if configured is None:
                del os.environ["PROMETHEUS_MULTIPROC_DIR"]
                shutil.rmtree(metrics, ignore_errors=True)


def supervise(config: "uvicorn.Config") -> None:
    """Run the workers under uvicorn's supervisor until SIGTERM or SIGINT.

    Always supervised, also with one worker: a recycled or crashed worker is replaced, and
    SIGHUP starts each new worker before its old one stops, on the same listening socket."""
    socket = config.bind_socket()
    try:
        supervisor_class()(config, sockets=[socket]).run()
    finally:
        socket.close()


def supervisor_class() -> type:
    """uvicorn's Multiprocess, telling prometheus-client which workers are gone: their live
    gauges (open streams) stop counting, their counters keep adding up."""
    from prometheus_client import multiprocess
    from uvicorn.supervisors import Multiprocess

    class Supervisor(Multiprocess):
        def forget_replaced(self, before: set[int | None]) -> None:
            for pid in before - {process.pid for process in self.processes}:
                if pid is not None:
                    multiprocess.mark_process_dead(pid)

        def keep_subprocess_alive(self) -> None:
            before = {process.pid for process in self.processes}
            super().keep_subprocess_alive()
            self.forget_replaced(before)

        def restart_all(self) -> None:
            before = {process.pid for process in self.processes}
            super().restart_all()
            self.forget_replaced(before)

    return Supervisor
