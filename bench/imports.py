"""Import benchmark: a generated Disqus export into SQLite, comments per second and peak RSS.

`run(row, remaining)` is called by bench/run.py; standalone: `.venv/bin/python bench/imports.py`
(BENCH_IMPORT_MB sets the size, 1024 by default; it is scaled down when the time left would not
suffice, and the row says so). The export copies the shapes of the real fixtures in
../shared/data/realworld/ (isso-tests/disqus.xml, remark42-testdata/migrator__disqus.xml):
threads first, then posts with CDATA HTML bodies, replies up to four deep, anonymous and
registered authors, deleted and spam posts. The import runs in a child process on a fresh
SQLite database; its peak RSS comes from the kernel (os.wait4) and includes Django and the
migrations.
"""

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BODIES = [
    '<p>The quick brown fox jumps over the lazy dog.</p><p><a href="https://radio-t.com" '
    'rel="nofollow noopener" title="radio-t">some link</a></p>',
    "<p>Hello, World.</p>",
    "<p>Новая реклама - позор! Отписка, немедленно!!111</p>",
    "<p>Wem immer noch nicht klar sein sollte, dass Russland nicht verhandeln will, dem ist "
    "nicht zu helfen.<br>Zweite Zeile &amp; mehr.</p><p>Zweiter Absatz mit "
    '<a href="https://www.dekoder.org/de/article/russland-nato">Link</a>.</p>',
    "...",
]
THREADS_PER_MB = 8
# Rate assumed when sizing the file to the time left (comments per second, bytes per post).
ASSUMED_RATE = 6000
BYTES_PER_POST = 900

CHILD = """
import json, os, sys, time
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0, interactive=False)
from pathlib import Path
from debatte.importers.runner import run_import
started, cpu = time.perf_counter(), time.process_time()
report = run_import(Path(sys.argv[1]), show_progress=False)
elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
# VmHWM: this process image's peak RSS. (wait4's ru_maxrss would count the parent's pages,
# which the child shares between fork and exec.)
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(json.dumps({"comments": report.comments_added, "articles": report.articles_created,
                  "seconds": elapsed, "cpu": cpu, "problems": len(report.problems),
                  "peak_kib": peak}))
"""


def generate(path: Path, megabytes: float) -> int:
    """Write a Disqus export of about `megabytes` MB; returns the number of posts."""
    rng = random.Random(7)
    target = int(megabytes * 1024 * 1024)
    threads = max(1, int(megabytes * THREADS_PER_MB))
    posts = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com" '
            'xmlns:dsq="http://disqus.com/disqus-internals">\n'
        )
        for t in range(threads):
            out.write(
                f'<thread dsq:id="{t + 1}"><id>post-{t}</id><forum>bench</forum>'
                f"<link>https://example.org/artikel/{t}/</link><title>Artikel {t}</title>"
                "<message/><createdAt>2011-03-07T20:46:25Z</createdAt><author><name>Redaktion"
                "</name><isAnonymous>false</isAnonymous></author><isClosed>false</isClosed>"
                "<isDeleted>false</isDeleted></thread>\n"
            )
        recent: dict[int, list[int]] = {}
        while out.tell() < target:
            posts += 1
            thread = rng.randrange(threads) + 1
            siblings = recent.setdefault(thread, [])
            parent = rng.choice(siblings) if siblings and rng.random() < 0.4 else 0
            siblings.append(posts)
            del siblings[:-8]
            author = rng.randrange(2000)
            anonymous = author % 3 == 0
            day, second = 1 + posts % 28, posts % 86400
            out.write(
                f'<post dsq:id="{posts}"><id/><message><![CDATA[{rng.choice(BODIES)} {posts}]]>'
                f"</message><createdAt>2015-{1 + posts % 12:02d}-{day:02d}T{second // 3600:02d}:"
                f"{second // 60 % 60:02d}:{second % 60:02d}Z</createdAt>"
                f"<isDeleted>{'true' if posts % 97 == 0 else 'false'}</isDeleted>"
                f"<isSpam>{'true' if posts % 211 == 0 else 'false'}</isSpam><author>"
                f"<email>leser{author}@example.org</email><name>Leser {author}</name>"
                f"<isAnonymous>{'true' if anonymous else 'false'}</isAnonymous>"
                f"<username>leser{author}</username></author><ipAddress>127.0.0.1</ipAddress>"
                f'<thread dsq:id="{thread}"/>'
                + (f'<parent dsq:id="{parent}"/>' if parent else "")
                + "</post>\n"
            )
        out.write("</disqus>\n")
    return posts


def measure(path: Path, workdir: Path) -> tuple[dict[str, float], int]:
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"sqlite:///{workdir / 'import.sqlite3'}",
        DEBATTE_DATA_DIR=str(workdir),
        DEBATTE_LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    (workdir / "static").mkdir(exist_ok=True)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path)], env=env, stdout=subprocess.PIPE, cwd=ROOT
    )
    assert child.stdout is not None
    output = child.stdout.read()
    _pid, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise RuntimeError(f"import child failed with {child.returncode}")
    result = json.loads(output.decode().strip().splitlines()[-1])
    return result, int(result.get("peak_kib", usage.ru_maxrss))  # KiB


def run(row: Callable[..., None], remaining: Callable[[], float]) -> None:
    wanted = float(os.environ.get("BENCH_IMPORT_MB", "1024"))
    # Leave time for generating (about 40 MB/s) and the child's start and migrations.
    affordable = max(1.0, (remaining() - 30) * ASSUMED_RATE * BYTES_PER_POST / 1024 / 1024 * 0.6)
    megabytes = min(wanted, affordable)
    note = "" if megabytes >= wanted else f"(scaled down from {wanted:.0f} MB to fit the time)"
    with tempfile.TemporaryDirectory(prefix="debatte-import-bench-") as tmp:
        workdir = Path(tmp)
        path = workdir / "disqus.xml"
        started = time.monotonic()
        posts = generate(path, megabytes)
        size = path.stat().st_size / 1024 / 1024
        row("import: generated Disqus export", f"{size:.0f} MB", f"{posts:,} posts {note}".strip())
        row("import: generating took", f"{time.monotonic() - started:.0f} s")
        result, rss_kib = measure(path, workdir)
    rate = result["comments"] / result["seconds"]
    row(
        "import: Disqus XML into SQLite",
        f"{rate:,.0f} comments/s",
        f"{result['comments']:,.0f} comments in {result['articles']:,.0f} articles, "
        f"{result['seconds']:.0f} s (target >= 5,000/s)",
    )
    row(
        "import: the same per CPU second",
        f"{result['comments'] / result['cpu']:,.0f} comments/s",
        f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs during the run)",
    )
    row(
        "import: peak RSS of the importing process", f"{rss_kib / 1024:.0f} MB", "(target < 300 MB)"
    )


if __name__ == "__main__":
    budget = float(os.environ.get("BENCH_BUDGET", "900"))
    begun = time.monotonic()

    def print_row(measure: str, value: str, note: str = "") -> None:
        print(f"  {measure}: {value}  {note}".rstrip(), flush=True)

    run(print_row, lambda: budget - (time.monotonic() - begun))
