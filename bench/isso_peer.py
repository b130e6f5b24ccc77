"""Serves the benchmark's discussions from Isso and times the first page.

Runs with the Python of a separate virtual environment that has `isso` installed (bench/run.py
makes one), never in Debatte's. Isso's WSGI app is called in-process through Werkzeug's test
client, as Debatte's is through Django's: no network and no server in either measurement.
The first page is what Isso's embed script asks for: 25 top-level comments with up to 3 replies
each, rendered (Markdown) into JSON.

Usage: python isso_peer.py WORKDIR RUNS SIZE [SIZE ...]; prints one JSON object.
"""

import json
import logging
import sqlite3
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from shapes import SHAPES, isso_rows  # noqa: E402

logging.disable(logging.WARNING)


def main() -> None:
    workdir, runs, sizes = Path(sys.argv[1]), int(sys.argv[2]), [int(s) for s in sys.argv[3:]]
    from isso import config, make_app, utils
    from werkzeug.test import Client

    dbpath = workdir / "isso.sqlite3"
    conffile = workdir / "isso.cfg"
    conffile.write_text(
        "[general]\n"
        f"dbpath = {dbpath}\n"
        "host = http://127.0.0.1:9/\n"  # nothing listens: Isso's start-up check fails at once
        "[moderation]\nenabled = false\n"
        "[guard]\nenabled = false\n"
    )
    conf = config.load(config.default_file(), str(conffile))
    app = make_app(conf)  # creates the tables
    voters = memoryview(utils.Bloomfilter(iterable=["127.0.0.1"]).array)
    base = time.time() - 30 * 86400
    with sqlite3.connect(dbpath) as con:
        for size in sizes:
            uri = f"/bench-{size}"
            tid = int(
                con.execute(
                    "INSERT INTO threads (uri, title) VALUES (?, ?)", (uri, f"Bench {size}")
                ).lastrowid
                or 0
            )
            rows = isso_rows(size)
            con.executemany(
                "INSERT INTO comments (tid, id, parent, created, modified, mode, remote_addr,"
                " text, author, email, website, likes, dislikes, voters, notification)"
                " VALUES (?, ?, ?, ?, NULL, 1, '127.0.0.0', ?, ?, NULL, NULL, ?, 0, ?, 0)",
                [
                    (
                        tid,
                        tid * 1_000_000 + i,
                        (tid * 1_000_000 + p) if p else None,
                        base + offset,
                        text,
                        author,
                        (i * 37) % 101,
                        voters,
                    )
                    for i, p, offset, author, text in rows
                ],
            )
    client = Client(app)
    results = {}
    for size in sizes:
        url = f"/?uri=/bench-{size}&limit=25&nested_limit=3"
        for _ in range(3):
            response = client.get(url)
            assert response.status_code == 200, response.status_code
        payload = json.loads(response.get_data())
        assert len(payload["replies"]) == min(25, SHAPES[size][0]), len(payload["replies"])
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(url)
            response.get_data()
            timings.append((time.perf_counter() - started) * 1000)
        results[size] = {
            "median_ms": statistics.median(timings),
            "bytes": len(response.get_data()),
            "total_replies": payload["total_replies"],
        }
    import isso

    print(json.dumps({"version": getattr(isso, "__version__", "?"), "results": results}))


if __name__ == "__main__":
    main()
