"""Debatte's benchmark: `make bench` (or `.venv/bin/python bench/run.py`).

Runs standalone on a temporary SQLite database it creates and migrates itself, and prints a table:

1. word lists: checking a 1,500-character comment against 10,000 entries (median µs;
   bench/pipeline.py);
2. the moderation pipeline per comment: `run_pipeline` alone, with the classifier
   (bench/classifier_speed.py), and `post_comment` end to end (comments per second on SQLite,
   one writer; bench/pipeline.py);
3. the first page of a discussion at 10, 1,000 and 100,000 comments (median ms to render the
   article page through django.test.Client, and its query count): it must be flat
   (bench/first_page.py);
4. the same discussions served by Isso (installed into a separate temporary virtual environment)
   with the ratio to Debatte; when that cannot be done in time the table says it was not measured
   (bench/peers.py);
5. live updates: idle event streams one uvicorn process holds (bench/live.py);
6. the first page over HTTP next to nginx serving the same bytes as a static file
   (bench/static_peer.py);
7. importing a generated 1 GB Disqus export (bench/imports.py);
8. over HTTP with wrk, Debatte next to Isso under gunicorn and nginx, each target side by side
   (bench/httpbench/main.py; `bench/run.py --http-only` runs just this part).

Every part is bounded in time (BENCH_BUDGET seconds in all, 600 by default); a part that would
overrun is skipped with a line saying so. Numbers are medians on this machine, at this moment: a
busy machine makes them slower, so compare them within one run (the peers run side by side).

Last, unless BENCH_FLOOD=0: one client's flood beside 32 readers (bench/flood.py).

Options (passed to the part over HTTP): --duration S, --repetitions N, --sizes 10,1000,10000;
--http-only runs only that part; --help shows this and them, and runs nothing.
Environment: BENCH_BUDGET (seconds), BENCH_SKIP_PEERS=1 (no Isso), BENCH_ISSO_PYTHON (the
python of an existing virtual environment with isso, instead of installing one), BENCH_FLOOD=0.
"""

import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(ROOT), str(BENCH)]

from measure import ROWS, print_table, remaining, row  # noqa: E402

WORKDIR = Path(tempfile.mkdtemp(prefix="debatte-bench-"))

os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR / 'bench.sqlite3'}"
os.environ["DEBATTE_DATA_DIR"] = str(WORKDIR)
(WORKDIR / "static").mkdir()  # STATIC_ROOT: WhiteNoise warns when it is missing
os.environ.setdefault("DEBATTE_PLAIN_STATIC", "1")  # templates render without collectstatic
os.environ.setdefault("DEBATTE_LOG_LEVEL", "WARNING")
os.environ.setdefault("DEBATTE_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")


def setup_django() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def bench_other_parts() -> None:
    """Benchmarks that live in modules of their own (each runs standalone too)."""
    import imports
    import live
    import static_peer

    live.run(row, remaining)
    static_peer.run(row, remaining)
    imports.run(row, remaining)


def main() -> int:
    # `--http-only`: just the part over HTTP (bench/httpbench/main.py); otherwise both, the
    # in-process figures first. Its options (--duration, --repetitions, --sizes) pass through.
    if "--http-only" in sys.argv[1:]:
        shutil.rmtree(WORKDIR, ignore_errors=True)
        return http_part()
    print(f"Debatte benchmark on {WORKDIR / 'bench.sqlite3'} (SQLite, temporary)", flush=True)
    try:
        import first_page
        import peers
        import pipeline

        setup_django()
        pipeline.bench_word_lists()
        pipeline.bench_pipeline()
        medians = first_page.bench_first_page()
        peers.bench_peers(medians, WORKDIR)
        bench_other_parts()
    finally:
        if ROWS:
            print_table()
        shutil.rmtree(WORKDIR, ignore_errors=True)
    return http_part()


def http_part() -> int:
    from httpbench import main as over_http

    return over_http.run([a for a in sys.argv[1:] if a != "--http-only"])


def show_help() -> int:
    """This docstring and the options of the part over HTTP; runs no benchmark."""
    shutil.rmtree(WORKDIR, ignore_errors=True)
    print(__doc__)
    from httpbench import main as over_http

    try:
        over_http.run(["--help"])
    except SystemExit as done:
        return int(done.code or 0)
    return 0


if __name__ == "__main__":
    if {"-h", "--help"} & set(sys.argv[1:]):
        sys.exit(show_help())
    status = main()
    # Last: one client's flood beside 32 readers (bench/flood.py); BENCH_FLOOD=0 skips it.
    if os.environ.get("BENCH_FLOOD", "1") != "0" and "--http-only" not in sys.argv[1:]:
        import flood

        status = flood.main([]) or status
    sys.exit(status)
