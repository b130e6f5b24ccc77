"""Where a cached anonymous article page's time goes: in-process, no network, no server.

`.venv/bin/python bench/httpbench/profile_hit.py [SIZE]` on a temporary SQLite file seeded with
the bench corpus. Times one response-cache hit through Django's ASGI handler (what uvicorn
calls: the hop to a worker thread included) and through its WSGI handler (the same middleware,
no hop), then the hit without each middleware in turn (what that middleware costs a hit), and
prints cProfile's top functions for the WSGI hit.
"""

import asyncio
import cProfile
import io
import logging
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parents[1]), str(HERE)]
WORKDIR = Path(tempfile.mkdtemp(prefix="debatte-profile-"))
os.environ.update(
    DJANGO_SETTINGS_MODULE="config.settings",
    DATABASE_URL=f"sqlite:///{WORKDIR / 'profile.sqlite3'}",
    DEBATTE_DATA_DIR=str(WORKDIR),
    DEBATTE_DEVELOPMENT="1",
    DEBATTE_PLAIN_STATIC="1",
    DEBATTE_LOG_LEVEL="WARNING",
    # Thousands of hits from one address: the per-address budget would answer 429.
    DEBATTE_REQUESTS_PER_MINUTE_READ="1000000000",
)
os.environ.pop("REDIS_URL", None)
(WORKDIR / "static").mkdir()

RUNS = 400


def environ(path: str) -> dict[str, object]:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
    }


def wsgi_hit(handler: Callable[..., object], path: str) -> Callable[[], None]:
    def hit() -> None:
        statuses = []
        body = b"".join(handler(environ(path), lambda s, h: statuses.append(s)))  # type: ignore[operator]
        assert statuses[0].startswith("200"), statuses
        assert body

    return hit


def asgi_hit(path: str) -> Callable[[], None]:
    """One request through Django's ASGI handler on a loop of its own, as uvicorn sends it."""
    from django.core.handlers.asgi import ASGIHandler

    application = ASGIHandler()
    loop = asyncio.new_event_loop()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1:8000")],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
    }

    async def one() -> None:
        sent: list[dict[str, object]] = []
        requested = False

        async def receive() -> dict[str, object]:
            nonlocal requested
            if requested:  # the disconnect listener waits here; cancelled when answered
                await asyncio.Event().wait()
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, object]) -> None:
            sent.append(message)

        await application(scope, receive, send)
        assert sent[0]["status"] == 200, sent[0]

    return lambda: loop.run_until_complete(one())


def interleaved(variants: dict[str, Callable[[], None]], runs: int) -> dict[str, float]:
    """Median ms per variant, the variants taking turns request by request: on a machine whose
    load drifts, every variant sees the same drift."""
    for hit in variants.values():
        for _ in range(10):
            hit()
    timings: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(runs):
        for name, hit in variants.items():
            started = time.perf_counter()
            hit()
            timings[name].append(time.perf_counter() - started)
    return {name: statistics.median(t) * 1000 for name, t in timings.items()}


def main() -> None:
    import django
    from django.core.management import call_command

    size = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    import corpus
    import seed_debatte
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    seed_debatte.seed_articles()
    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # the 500s of a left-out one
    path = f"/artikel/{corpus.key(size)}/"
    handler = WSGIHandler()
    hit = wsgi_hit(handler, path)
    hit()  # renders once; every later request is a response-cache hit
    with CaptureQueriesContext(connection) as captured:
        hit()
    print(f"A cached anonymous hit on {path}: {len(captured)} queries")
    for query in captured.captured_queries:
        print(f"    {query['sql'][:150]}")
    variants = {"ASGI (uvicorn's path)": asgi_hit(path), "WSGI (same middleware)": hit}
    for name in settings.MIDDLEWARE:
        with override_settings(MIDDLEWARE=[m for m in settings.MIDDLEWARE if m != name]):
            without = wsgi_hit(WSGIHandler(), path)
            try:
                without()
            except AssertionError:
                print(f"  {name} cannot be left out (others depend on it)")
                continue
            variants[name] = without
    medians = interleaved(variants, RUNS)
    full = medians["WSGI (same middleware)"]
    print(f"Median ms of {RUNS} hits each, interleaved:")
    for name, value in medians.items():
        if "." in name:
            print(f"  without {name}: {value:.2f} ms, so it costs {full - value:+.2f} ms")
        else:
            print(f"  {name}: {value:.2f} ms")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(RUNS):
        hit()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(20)
    # Cumulative time of the middleware, the view and the database, per hit.
    stats.sort_stats("cumulative").print_stats(
        r"middleware|views|cookies|caching|base\.py.*(connect|close)|__call__", 45
    )
    print(out.getvalue()[-12000:])


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORKDIR, ignore_errors=True)
