"""Prometheus metrics: requests, latency, comment outcomes, queue depths, task backlog.

Counters and histograms live in each process. Under `debatte serve` with several workers, the
serve command points PROMETHEUS_MULTIPROC_DIR at a directory they share, and a scrape of any
worker adds up all of them (prometheus-client's multiprocess mode). Queue depths, the task
backlog and live workers are read from the database at scrape time, so they are the same
whichever process answers.
"""

import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector

REQUESTS = Counter(
    "debatte_http_requests_total", "HTTP requests answered", ["method", "status", "view"]
)
LATENCY = Histogram(
    "debatte_http_request_duration_seconds",
    "Time to answer an HTTP request (streams excluded)",
    ["view"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
COMMENTS = Counter(
    "debatte_comment_events_total",
    "Comment events: published, held, rejected by a moderator, deleted, ...",
    ["event"],
)
LIVE = Gauge(
    "debatte_live_connections",
    "Open live-update streams",
    multiprocess_mode="livesum",
)


class DatabaseCollector(Collector):
    """Figures every process reads alike from the database, at scrape time."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from django_tasks_db.models import DBTaskResult

        from debatte.discussions.models import Comment, CommentStatus, Report
        from debatte.ops.heartbeat import live_workers

        queue = GaugeMetricFamily(
            "debatte_moderation_queue_depth", "Items waiting for a moderator", labels=["queue"]
        )
        queue.add_metric(["pending"], Comment.objects.filter(status=CommentStatus.PENDING).count())
        queue.add_metric(["reported"], Report.objects.filter(resolved_at__isnull=True).count())
        yield queue
        yield GaugeMetricFamily(
            "debatte_task_backlog",
            "Background tasks waiting for a worker",
            value=DBTaskResult.objects.ready().count(),
        )
        yield GaugeMetricFamily(
            "debatte_workers_alive", "Workers that beat recently", value=live_workers()
        )


def exposition() -> bytes:
    """The text exposition of every metric (all processes' in multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    scrape = CollectorRegistry()
    scrape.register(DatabaseCollector())
    return generate_latest(registry) + generate_latest(scrape)


def _view_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return (match.view_name if match else "") or "unmatched"


class MetricsMiddleware:
    """Counts and times every request; server-sent-event streams are counted, not timed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        view = _view_name(request)
        REQUESTS.labels(request.method or "", str(response.status_code), view).inc()
        if not getattr(response, "streaming", False):
            LATENCY.labels(view).observe(time.perf_counter() - started)
        _update_live_connections()
        return response


def _update_live_connections() -> None:
    from debatte.live.broker import get_broker

    LIVE.set(get_broker().hub.connections)


def _count_event(sender: Any, *, name: str, **kwargs: Any) -> None:
    if name.startswith("comment."):
        COMMENTS.labels(name.removeprefix("comment.")).inc()


def connect() -> None:
    from debatte.discussions.events import discussion_event

    discussion_event.connect(_count_event, dispatch_uid="ops-metrics-events")
