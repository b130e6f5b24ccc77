"""The event stream of one discussion: server-sent events from an async view.

Each open stream is a coroutine on the server's event loop waiting on its own small queue (see
broker.py): no thread and no database connection are held while a reader idles. A stream sends a
comment line as heartbeat every DEBATTE_LIVE_HEARTBEAT seconds (15) so proxies keep it open and
dead peers are noticed, and ends after DEBATTE_LIVE_LIFETIME seconds (300, with jitter); the
browser's EventSource then reconnects by itself, sending the last version it saw as
Last-Event-ID. When the discussion has changed since that version the stream starts with a
`sync` event carrying the current version and count, so nothing published while the reader was
away goes unnoticed. Above the cap of open streams per process (core/fdlimits.py: three
quarters of the descriptor limit RLIMIT_NOFILE, at most 10,000, or DEBATTE_LIVE_MAX_CONNECTIONS
within that) new ones are refused with 503 and Retry-After, so idle readers cannot exhaust the
server's file descriptors.
"""

import asyncio
import json
import os
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_GET

from debatte.articles.models import Article, DiscussionStatus
from debatte.core.fdlimits import current_stream_capacity
from debatte.live.broker import CLOSE, Subscription, get_broker


@dataclass(frozen=True)
class StreamLimits:
    heartbeat: float
    lifetime: float
    max_connections: int

    @classmethod
    def from_environment(cls) -> "StreamLimits":
        return cls(
            heartbeat=float(os.environ.get("DEBATTE_LIVE_HEARTBEAT", "15")),
            lifetime=float(os.environ.get("DEBATTE_LIVE_LIFETIME", "300")),
            max_connections=current_stream_capacity().cap,
        )


def last_seen_version(request: HttpRequest) -> int | None:
    """The version the reader has: Last-Event-ID on reconnect, else `?v=` from the page."""
    raw = request.headers.get("Last-Event-ID") or request.GET.get("v") or ""
    return int(raw) if raw.isdigit() else None


def sync_frame(version: int, count: int) -> bytes:
    data = json.dumps({"type": "sync", "version": version, "count": count})
    return f"id: {version}\nevent: sync\ndata: {data}\n\n".encode()


def release_request_thread() -> None:
    """Let go of the worker thread Django's ASGI handler keeps for this request.

    Django runs each request in an asgiref ThreadSensitiveContext; the first sync code of the
    request (sync-only middleware such as WhiteNoise's, an ORM call) starts a thread for that
    context which lives until the response is finished - for a stream, as long as the reader
    stays. Once the middleware have handled the response and the stream begins, no more sync code
    runs until the end, so the thread is closed here (its database connection first). Sync code
    that runs at the very end (response.close) gets a short-lived thread of its own.
    """
    from asgiref.sync import SyncToAsync
    from django.db import connections

    context = SyncToAsync.thread_sensitive_context.get(None)
    executors = getattr(SyncToAsync, "context_to_thread_executor", None)
    if context is None or executors is None:
        return
    executor = executors.pop(context, None)
    if executor is not None:
        executor.submit(connections.close_all)
        executor.shutdown(wait=False)


async def event_stream(
    subscription: Subscription, *, first: bytes, limits: StreamLimits
) -> AsyncIterator[bytes]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limits.lifetime * random.uniform(0.9, 1.1)  # noqa: S311
    try:
        release_request_thread()
        yield first
        while (left := deadline - loop.time()) > 0:
            try:
                async with asyncio.timeout(min(limits.heartbeat, left)):
                    message = await subscription.get()
            except TimeoutError:
                yield b": ping\n\n"
                continue
            if message is CLOSE:
                break
            yield message.frame()
    finally:
        subscription.close()


@require_GET
async def live_events_view(request: HttpRequest, article_key: str) -> HttpResponseBase:
    limits = StreamLimits.from_environment()
    broker = get_broker()
    if broker.hub.connections >= limits.max_connections:
        return HttpResponse(status=503, headers={"Retry-After": "30"})
    # Subscribe before reading the version: nothing published in between can be missed.
    subscription = broker.subscribe(article_key)
    await broker.ready(timeout=1.0)
    row = await (
        Article.objects.filter(key=article_key)
        .exclude(discussion_status=DiscussionStatus.NONE)
        .values_list("version", "comment_count")
        .afirst()
    )
    if row is None:
        subscription.close()
        raise Http404
    version, count = row
    retry = f"retry: {random.randint(2_000, 5_000)}\n\n".encode()  # noqa: S311 - spread reconnects
    seen = last_seen_version(request)
    first = retry + (sync_frame(version, count) if seen is not None and seen < version else b"")
    response = StreamingHttpResponse(
        event_stream(subscription, first=first + b": open\n\n", limits=limits),
        content_type="text/event-stream; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache, no-store"
    response["X-Accel-Buffering"] = "no"  # nginx: do not buffer the stream
    return response
