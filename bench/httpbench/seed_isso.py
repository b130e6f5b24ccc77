"""Writes Isso's configuration and seeds its SQLite file with the bench corpus.

Runs with the Python of Isso's own virtual environment (servers.isso_python makes it), never
Debatte's: `python seed_isso.py WORKDIR PORT` writes WORKDIR/isso.cfg and WORKDIR/isso.sqlite3.
Every comment is an ordinary accepted one (Isso has neither numbers nor tombstones).
"""

import logging
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402

logging.disable(logging.WARNING)

CONFIG = """[general]
dbpath = {dbpath}
host = http://127.0.0.1:{port}/
[moderation]
enabled = false
[server]
listen = http://127.0.0.1:{port}/
trusted-proxies = 127.0.0.1
[guard]
enabled = true
"""


def main() -> None:
    workdir, port = Path(sys.argv[1]), int(sys.argv[2])
    from isso import config, make_app, utils

    dbpath = workdir / "isso.sqlite3"
    conffile = workdir / "isso.cfg"
    conffile.write_text(CONFIG.format(dbpath=dbpath, port=port))
    make_app(config.load(config.default_file(), str(conffile)))  # creates the tables
    voters = memoryview(utils.Bloomfilter(iterable=["127.0.0.1"]).array)
    base = time.time() - 30 * corpus.DAY
    with sqlite3.connect(dbpath) as con:
        for key, size in [*corpus.articles(), (corpus.POST_KEY, 0)]:
            cursor = con.execute(
                "INSERT INTO threads (uri, title) VALUES (?, ?)", (f"/{key}", f"Bench {size}")
            )
            tid = int(cursor.lastrowid or 0)
            if not size:
                continue
            ids: dict[tuple[int, int], int] = {}
            first = tid * 1_000_000
            for i, (number, reply, *_) in enumerate(corpus.comments(size)):
                ids[(number, reply)] = first + i
            con.executemany(
                "INSERT INTO comments (tid, id, parent, created, modified, mode, remote_addr,"
                " text, author, email, website, likes, dislikes, voters, notification)"
                " VALUES (?, ?, ?, ?, NULL, 1, '127.0.0.0', ?, ?, NULL, NULL, ?, 0, ?, 0)",
                [
                    (
                        tid,
                        ids[(number, reply)],
                        ids[(number, 0)] if reply else None,
                        base + offset,
                        text,
                        author,
                        (number * 37) % 101,
                        voters,
                    )
                    for number, reply, offset, author, text in corpus.comments(size)
                ],
            )
    print("seeded", dbpath)


if __name__ == "__main__":
    main()
