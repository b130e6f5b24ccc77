"""Debatte and its peers over HTTP on loopback, driven by wrk, side by side in one run.

`python bench/run.py --http-only` (or `make bench`, after the in-process part). Starts, on
127.0.0.1 only, each stopped by its PID at the end:
- Debatte (`debatte serve`, 2 workers) on a temporary SQLite file, and on a fresh PostgreSQL
  database (127.0.0.1:5432, dropped afterwards) with Redis (a prefix of its own, cleared);
- Isso 0.14 under gunicorn (2 sync workers, --preload) on its own SQLite file;
- nginx serving Debatte's own article pages as static files (the limit), and nginx with the
  shipped micro-cache (deploy/nginx.conf) in front of Debatte on SQLite.
All of them serve one generated corpus (corpus.py). For each target, every system runs once per
repetition, back to back (`wrk -t2 -c32 -dNs` for req/s, then `-c1` for p50/p99 latency); a
ratio between two systems is computed per repetition and its median printed.

Options: --duration S (10), --repetitions N (3), --sizes 10,1000,10000.
Posting runs with the bench site's per-reader and per-address limit set to 0 (said in the
output): wrk posts far faster than any reader, as a few hundred signed-in readers in turn, each
request from its own address (X-Forwarded-For from 127.0.0.1, a trusted proxy here). The
per-address request budget (DEBATTE_REQUESTS_PER_MINUTE_READ/_WRITE) is set far above any run:
every GET comes from 127.0.0.1; each request is still counted.
"""

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import corpus  # noqa: E402
import servers  # noqa: E402
import wrk  # noqa: E402
from servers import Server  # noqa: E402
from table import Goal, Row, print_goals, print_rows, ratio_per_repetition  # noqa: E402

READERS = 300
ISSO = "Isso 0.14, gunicorn 2 sync"
SQLITE = "Debatte SQLite, 2 workers"
POSTGRES = "Debatte PostgreSQL+Redis, 2 w."
STATIC = "nginx static (Debatte's bytes)"
CACHED = "nginx micro-cache + Debatte SQLite"
REFERENCE = (
    "Isso by hand on this machine (issue): page view 10 comments 156 req/s, p50 11 ms; "
    "first 20 of 1,000: 49; page view 1,000: 3.6 req/s, p50 630 ms; first 20 of 10,000: "
    "29 req/s, p50 64 ms; counts 537 req/s, 3.7 ms; new comment 145 req/s, 10 ms"
)


@dataclass
class Plan:
    row: Row
    server: Server | None
    path: str = ""
    script: Path | None = None
    numbered: bool = False  # the script numbers its requests (addresses, texts) from an offset
    next_offset: int = 0
    warmed: int = 0  # answered requests of the unrecorded warm-up run


class Memory:
    """Peak resident memory per worker of each server, sampled from /proc during the runs."""

    def __init__(self) -> None:
        self.at_rest: dict[str, float] = {}
        self.peak: dict[str, float] = {}

    def rest(self, server: Server) -> None:
        self.at_rest[server.name] = max(servers.rss_mib(p) for p in server.workers())

    def sample_while(self, server: Server, work: Callable[[], wrk.Result]) -> wrk.Result:
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.25):
                peak = max((servers.rss_mib(p) for p in server.workers()), default=0.0)
                self.peak[server.name] = max(self.peak.get(server.name, 0.0), peak)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            return work()
        finally:
            done.set()
            sampler.join()


class Bench:
    def __init__(self, duration: int, repetitions: int, sizes: list[int]) -> None:
        self.duration, self.repetitions, self.sizes = duration, repetitions, sizes
        self.workdir = Path(tempfile.mkdtemp(prefix="debatte-bench-http-"))
        os.chmod(self.workdir, 0o755)  # noqa: S103 - nginx's workers read below it
        self.servers: dict[str, Server] = {}
        self.cold: dict[str, float] = {}
        self.seeds: dict[str, dict[str, object]] = {}
        self.notes: dict[str, str] = {}
        self.memory = Memory()
        self.rows: list[Row] = []
        self.database: str | None = None
        self.redis: tuple[str, str] | None = None
        self.load = os.getloadavg()[0]

    # --- servers ---------------------------------------------------------------------------

    def start_debatte(self, name: str, database_url: str, extra: dict[str, str]) -> None:
        home = self.workdir / name.split()[1].lower().strip(",+")
        home.mkdir()
        env = servers.debatte_env(home, database_url, extra)
        started = time.monotonic()
        self.seeds[name] = servers.seed_debatte(env, READERS, home / "seed.log")
        print(f"  {name}: migrated and seeded in {time.monotonic() - started:.0f} s", flush=True)
        server, cold = servers.start_debatte(name, home, env, 2, f"/artikel/{corpus.key(10)}/")
        self.servers[name], self.cold[name] = server, cold

    def start_all(self) -> None:
        print("Starting the servers (127.0.0.1 only)", flush=True)
        sqlite_url = f"sqlite:///{self.workdir / 'sqlite' / 'bench.sqlite3'}"
        self.start_debatte(SQLITE, sqlite_url, {})
        self.start_postgres()
        try:
            self.servers[ISSO] = servers.start_isso(self.workdir)
            self.servers[ISSO].name = ISSO
        except Exception as error:  # noqa: BLE001 - the rows say why
            self.notes[ISSO] = f"not measured: {error}"[:200]
            print(f"  {ISSO}: {self.notes[ISSO]}", flush=True)
        self.start_nginx()
        for server in self.servers.values():
            self.memory.rest(server)

    def start_postgres(self) -> None:
        name = f"debatte_bench_{os.getpid()}"
        redis_url = "redis://127.0.0.1:6379/9"
        if not servers.redis_ready(redis_url):
            self.notes[POSTGRES] = "not measured: no Redis on 127.0.0.1:6379"
            return
        self.database = name
        database_url = servers.create_database(name)
        if database_url is None:
            self.database = None
            self.notes[POSTGRES] = "not measured: no PostgreSQL on 127.0.0.1:5432"
            return
        prefix = f"bench-{os.getpid()}-{int(time.time())}"
        self.redis = (redis_url, prefix)
        extra = {"REDIS_URL": redis_url, "DEBATTE_CACHE_PREFIX": prefix}
        try:
            self.start_debatte(POSTGRES, database_url, extra)
            return
        except Exception as error:  # noqa: BLE001
            self.notes[POSTGRES] = f"not measured: {error}"[:300]
        print(f"  {POSTGRES}: {self.notes[POSTGRES]}", flush=True)
        if "pool" not in self.notes[POSTGRES].lower():
            return
        # The settings' connection pool failed: measure connecting per request instead, and
        # say so (a fresh database: the failed attempt may have left half a schema).
        servers.drop_database(name)
        servers.create_database(name)
        shutil.rmtree(self.workdir / "postgresql+redis", ignore_errors=True)
        try:
            self.start_debatte(POSTGRES, database_url, {**extra, "DEBATTE_DB_POOL_SIZE": "0"})
            self.notes[POSTGRES] = (
                "pool failed to start: DEBATTE_DB_POOL_SIZE=0 (a connection per request)"
            )
        except Exception as error:  # noqa: BLE001
            self.notes[POSTGRES] = f"not measured: {error}"[:300]

    def start_nginx(self) -> None:
        if servers.nginx_binary() is None:
            self.notes[STATIC] = self.notes[CACHED] = "not measured: nginx is not installed"
            return
        sqlite = self.servers[SQLITE]
        pages = {}
        for size in self.sizes:
            status, body = servers.get(f"{sqlite.base}/artikel/{corpus.key(size)}/")
            assert status == 200, (size, status)
            pages[f"{corpus.key(size)}.html"] = body
        self.servers[STATIC] = servers.start_nginx_static(self.workdir, pages)
        self.servers[STATIC].name = STATIC
        if not servers.NGINX_CONF.exists():
            self.notes[CACHED] = "not measured: deploy/nginx.conf is not there yet"
            return
        try:
            self.servers[CACHED] = servers.start_nginx_microcache(self.workdir, sqlite.port)
            self.servers[CACHED].name = CACHED
        except Exception as error:  # noqa: BLE001
            self.notes[CACHED] = f"not measured: {error}"[:300]
            print(f"  {CACHED}: {self.notes[CACHED]}", flush=True)

    def stop_all(self) -> None:
        for server in self.servers.values():
            server.stop()
        if self.database:
            servers.drop_database(self.database)
        if self.redis:
            servers.redis_forget(*self.redis)
        shutil.rmtree(self.workdir, ignore_errors=True)

    # --- plans -----------------------------------------------------------------------------

    def plan(self, group: str, system: str, request: str, path: str, **kw: object) -> Plan:
        row = Row(group, system, request, note=self.notes.get(system, ""))
        self.rows.append(row)
        return Plan(row, self.servers.get(system), path, **kw)  # type: ignore[arg-type]

    def first_page(self, size: int) -> list[Plan]:
        group = f"First page, {size:,} comments"
        key = corpus.key(size)
        isso = f"/?uri=%2F{key}&sort=oldest&offset=0&nested_limit=5"
        article, api = f"/artikel/{key}/", f"/api/v1/articles/{key}/comments?limit=20"
        return [
            self.plan(group, ISSO, "page view (whole thread)", isso),
            self.plan(group, ISSO, "limit=20", isso.replace("&nested", "&limit=20&nested")),
            self.plan(group, SQLITE, "article page", article),
            self.plan(group, SQLITE, "API first page, limit=20", api),
            self.plan(group, POSTGRES, "article page", article),
            self.plan(group, STATIC, "article page as a file", f"/{key}.html"),
            self.plan(group, CACHED, "article page", article),
        ]

    def counts(self) -> list[Plan]:
        group = f"Comment counts of {corpus.COUNT_ARTICLES} articles, one request"
        api = "/api/v1/counts?" + "&".join(f"key={k}" for k in corpus.count_keys())
        script = wrk.isso_counts_script(self.workdir / "isso-counts.lua")
        return [
            self.plan(group, ISSO, "POST /count", "/count", script=script),
            self.plan(group, SQLITE, "GET API counts", api),
            self.plan(group, POSTGRES, "GET API counts", api),
        ]

    def posting(self) -> list[Plan]:
        group = (
            "Posting a new comment, full pipeline (one address per request; Debatte: the "
            "article's form, signed-in readers in turn, site rate limit 0 for the bench)"
        )
        plans = [
            self.plan(
                group,
                ISSO,
                "POST /new (guard on)",
                f"/new?uri=%2F{corpus.POST_KEY}",
                script=wrk.isso_post_script(self.workdir / "isso-post.lua"),
                numbered=True,
            )
        ]
        for system in (SQLITE, POSTGRES):
            seed = self.seeds.get(system)
            script = None
            if seed:
                script = wrk.debatte_post_script(
                    self.workdir / f"post-{len(plans)}.lua",
                    list(seed["sessions"]),  # type: ignore[call-overload]
                    str(seed["session_cookie"]),
                    str(seed["csrf_cookie"]),
                    str(seed["csrf"]),
                )
            path = f"/artikel/{corpus.POST_KEY}/kommentieren/"
            plans.append(
                self.plan(group, system, "POST article form", path, script=script, numbered=True)
            )
        return plans

    # --- running ---------------------------------------------------------------------------

    def ready(self, plan: Plan) -> bool:
        """A GET that does not answer 200 is not measured (and says so); a POST target is
        warmed up by an unrecorded run (the classifier loads at a worker's first comment)."""
        server = plan.server
        if server is None:
            return False
        if plan.script is not None:
            if plan.numbered:
                warm = wrk.run(
                    server.base + plan.path,
                    connections=8,
                    duration=max(3, self.duration // 2),
                    script=plan.script,
                    args=(str(plan.next_offset),),
                )
                plan.next_offset += wrk.numbers_used(warm, 8)
                plan.warmed = warm.requests - warm.bad_status
                if server.name == ISSO and not servers.wait_idle(server, 3):
                    server.restart()
            return True
        status, _ = servers.get(server.base + plan.path, timeout=120)
        if status != 200:
            plan.row.note = f"not measured: HTTP {status}"
            plan.server = None
        elif server.name == CACHED:
            servers.get(server.base + plan.path)
            plan.row.note = f"X-Cache-Status of a repeat: {cache_status(server.base + plan.path)}"
        return status == 200

    def measure(self, plan: Plan, connections: int, repetition: int) -> None:
        server = plan.server
        assert server is not None
        args = (str(plan.next_offset),) if plan.numbered else ()
        result = self.memory.sample_while(
            server,
            lambda: wrk.run(
                server.base + plan.path,
                connections=connections,
                duration=self.duration,
                script=plan.script,
                args=args,
            ),
        )
        plan.next_offset += wrk.numbers_used(result, connections)
        (plan.row.loaded if connections > 1 else plan.row.single).append(result)
        print(
            f"    c{connections} #{repetition + 1} {plan.row.system}, {plan.row.request}: "
            f"{result.rps:,.1f} req/s, p50 {result.p50_ms:.1f} ms"
            + (f", {result.bad_status} non-2xx/3xx" if result.bad_status else ""),
            flush=True,
        )
        if server.name == ISSO and not servers.wait_idle(server, 3):
            # Its sync workers would go on answering the queued requests of a slow run for
            # minutes (wrk has gone): start it again so that the next system runs alone.
            server.restart()

    def run_group(self, plans: list[Plan]) -> None:
        print(f"  {plans[0].row.group}", flush=True)
        ready = [plan for plan in plans if self.ready(plan)]
        for connections in (32, 1):
            for repetition in range(self.repetitions):
                for plan in ready:
                    self.measure(plan, connections, repetition)

    def run(self) -> None:
        self.start_all()
        print(
            f"Measuring: wrk -t2 -c32 and -c1, -d{self.duration}s, "
            f"{self.repetitions} repetitions, systems back to back per target",
            flush=True,
        )
        groups = [self.first_page(size) for size in self.sizes]
        groups += [self.counts(), self.posting()]
        for plans in groups:
            self.run_group(plans)
        self.check_posts(groups[-1])

    def check_posts(self, plans: list[Plan]) -> None:
        """The comments stored against the posts wrk saw answered (in-flight ones may add)."""
        for plan in plans:
            if plan.server is None or not plan.row.loaded:
                continue
            runs = plan.row.loaded + plan.row.single
            answered = plan.warmed + sum(r.requests - r.bad_status for r in runs)
            if plan.server.name == ISSO:
                stored = isso_count(plan.server, corpus.POST_KEY)
            else:
                url = f"{plan.server.base}/api/v1/counts?key={corpus.POST_KEY}"
                stored = int(json_of(url)["counts"][corpus.POST_KEY])
            plan.row.note = (
                f"{stored:,} comments stored for {answered:,} answered posts (warm-up included; "
                "a server may still finish posts wrk stopped waiting for)"
            )

    # --- results ---------------------------------------------------------------------------

    def find(self, group_start: str, system: str, request: str) -> Row | None:
        for row in self.rows:
            if (
                row.group.startswith(group_start)
                and row.system == system
                and row.request == request
            ):
                return row if row.loaded else None
        return None

    def goals(self) -> list[Goal]:
        big, small = max(self.sizes), min(self.sizes)
        first, first_small = f"First page, {big:,} ", f"First page, {small:,} "
        article = self.find(first, SQLITE, "article page")
        article_small = self.find(first_small, SQLITE, "article page")
        counts, posting = "Comment counts", "Posting"
        on_postgres = self.find(posting, POSTGRES, "POST article form")
        peak = max((self.memory.peak.get(n, 0.0) for n in (SQLITE, POSTGRES)), default=0.0)
        nan = float("nan")
        return [
            Goal.ratio(
                f"first page at {big:,}: Debatte article page / Isso page view",
                ratio_per_repetition(article, self.find(first, ISSO, "page view (whole thread)")),
                100,
            ),
            Goal.ratio(
                f"first page at {big:,}: Debatte API limit=20 / Isso limit=20",
                ratio_per_repetition(
                    self.find(first, SQLITE, "API first page, limit=20"),
                    self.find(first, ISSO, "limit=20"),
                ),
                20,
            ),
            Goal.ratio(
                f"first page at {big:,}: behind the micro-cache / nginx static",
                ratio_per_repetition(
                    self.find(first, CACHED, "article page"),
                    self.find(first, STATIC, "article page as a file"),
                ),
                0.3,
                note=self.notes.get(CACHED, ""),
            ),
            Goal(
                f"flat: article page req/s at {small:,} / at {big:,}",
                article_small.rps() / article.rps()
                if article and article_small and small != big
                else nan,
                1.2,
                at_most=True,
                note="medians of two targets (not back to back)",
            ),
            Goal.ratio(
                "comment counts of 20 articles: Debatte / Isso",
                ratio_per_repetition(
                    self.find(counts, SQLITE, "GET API counts"),
                    self.find(counts, ISSO, "POST /count"),
                ),
                10,
            ),
            Goal(
                "posting on PostgreSQL+Redis, 2 workers",
                on_postgres.rps() if on_postgres else nan,
                500,
                unit=" /s",
                note=self.notes.get(POSTGRES, ""),
            ),
            Goal.ratio(
                "posting on SQLite: Debatte / Isso",
                ratio_per_repetition(
                    self.find(posting, SQLITE, "POST article form"),
                    self.find(posting, ISSO, "POST /new (guard on)"),
                ),
                3,
            ),
            Goal(
                "RSS per Debatte worker under load (peak, classifier loaded)",
                peak or nan,
                150,
                unit=" MB",
                at_most=True,
            ),
            Goal(
                "cold start to first 200 (Debatte SQLite, 2 workers)",
                self.cold.get(SQLITE, nan),
                2,
                unit=" s",
                at_most=True,
            ),
        ]

    def report(self) -> None:
        print("\n=== Over HTTP (wrk on 127.0.0.1) ===")
        began = self.load
        print(
            f"Load average (1 min) at start {began:.1f}, at the end {os.getloadavg()[0]:.1f}, "
            f"on {os.cpu_count()} cores: other work on the machine slows every system alike"
        )
        print_rows(self.rows)
        print("\nMemory per worker (VmRSS, MiB): at rest after start / peak under load")
        for name in self.servers:
            if name in self.memory.at_rest:
                print(
                    f"  {name}: {self.memory.at_rest[name]:.0f} / "
                    f"{self.memory.peak.get(name, float('nan')):.0f}"
                )
        for name, seconds in self.cold.items():
            print(f"Cold start to first 200, {name}: {seconds:.2f} s")
        print_goals(self.goals())
        print(
            "\nDebatte ran with its per-address request budget far above any run (every GET "
            "comes from 127.0.0.1; each is still counted) and the bench site's posting limit "
            "per reader and address at 0."
        )
        print(REFERENCE)


def cache_status(url: str) -> str:
    import urllib.request

    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback only
        return str(response.headers.get("X-Cache-Status", "none"))


def json_of(url: str) -> dict:  # type: ignore[type-arg]
    import json

    status, body = servers.get(url)
    assert status == 200, (url, status)
    return dict(json.loads(body))


def isso_count(server: Server, key: str) -> int:
    import json
    import urllib.request

    request = urllib.request.Request(  # noqa: S310 - loopback only
        f"{server.base}/count",
        data=json.dumps([f"/{key}"]).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return int(json.loads(response.read())[0])


def run(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/run.py --http-only")
    parser.add_argument(
        "--duration", type=int, default=int(os.environ.get("BENCH_HTTP_SECONDS", "10"))
    )
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--sizes", default=",".join(str(s) for s in corpus.SIZES))
    options, _ = parser.parse_known_args(argv)
    if shutil.which("wrk") is None:
        print("HTTP part not measured: wrk is not installed (Debian: apt-get install wrk)")
        return 0
    sizes = [int(s) for s in options.sizes.split(",")]
    bench = Bench(options.duration, options.repetitions, sizes)
    began = time.monotonic()
    try:
        bench.run()
    finally:
        bench.stop_all()
    bench.report()
    print(f"HTTP part: {time.monotonic() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(run())
