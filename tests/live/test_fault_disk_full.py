"""The SQLite file's disk runs full: posting fails with a clear error (503, "storage is full"),
reading goes on, nothing already stored is damaged (`PRAGMA integrity_check`), and posting works
again once there is space. The database lives on a small tmpfs of this test (needs root)."""

import contextlib
import re
import sqlite3
import subprocess
import time
import uuid
from pathlib import Path

from faults import LOAD_ENV, discussion_state, small_tmpfs
from live_servers import Installation, Reader, make_installation

LONG = "Ein ausführlicher Leserbrief mit vielen Worten. " * 28  # about 1,400 characters


def fill(directory: Path) -> Path:
    """Fill the file system of `directory` to the last byte; the filler, to delete later."""
    filler = directory / "filler"
    subprocess.run(
        ["dd", "if=/dev/zero", f"of={filler}", "bs=64k"], capture_output=True, timeout=60
    )
    with contextlib.suppress(OSError), filler.open("ab") as tail:  # the last partial block
        for _byte in range(65536):
            tail.write(b"\0")
            tail.flush()
    return filler


def post(reader: Reader, key: str, text: str) -> tuple[int, str]:
    """POST a comment with the CSRF cookie's token (no page load: reads may fail on a full disk)."""
    if "csrftoken" not in reader.cookies:
        reader.request("GET", f"/artikel/{key}/")
    status, _headers, body = reader.request("POST", f"/artikel/{key}/kommentieren/", {"body": text})
    return status, body.decode(errors="replace")


def test_a_full_disk_refuses_posts_clearly_and_damages_nothing(tmp_path: Path) -> None:
    with small_tmpfs(tmp_path / "disk", "48m") as disk:
        database = disk / "debatte.sqlite3"
        site: Installation = make_installation(
            tmp_path / "site", DATABASE_URL=f"sqlite:///{database}", **LOAD_ENV
        )
        key = site.article_key()
        url = site.start_server()
        try:
            writer, reader = Reader(url, site.sessions[0]), Reader(url, site.sessions[1])
            before = [f"Vor dem vollen Speicher {n}: {LONG}" for n in range(5)]
            for text in before:
                status, body = post(writer, key, text)
                assert status == 302, (status, body[:3000])

            filler = fill(disk)
            started = time.monotonic()
            refused: list[tuple[int, str]] = []
            accepted = 0
            while not refused and time.monotonic() - started < 30:
                status, body = post(writer, key, f"Bei vollem Speicher {uuid.uuid4()}: {LONG}")
                if status == 302:
                    accepted += 1  # the WAL still had room: stored for real
                else:
                    refused.append((status, body))
            reading = reader.request("GET", f"/artikel/{key}/")[0]

            filler.unlink()
            after = f"Nach dem Aufräumen: {LONG}"
            status_after = post(writer, key, after)[0]
        finally:
            site.stop()

        with contextlib.closing(sqlite3.connect(database)) as db:
            integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        state = discussion_state(site.env, key)

    said = re.search(r"<p>(.*?)</p>", refused[0][1], re.S) if refused else None
    print(
        f"\ndisk full: {accepted} posts still fitted the WAL, then "
        f"{refused[0][0] if refused else '-'} ({said.group(1) if said else ''!r}); "
        f"reading meanwhile {reading}; after "
        f"freeing space: post {status_after}; integrity_check {integrity!r}; "
        f"{len(state.rows)} comments stored, numbers 1..{state.last_comment_number}"
    )
    assert refused, "the disk never ran full"
    status, body = refused[0]
    assert status == 503
    assert "Speicher ist voll" in body and "Traceback" not in body
    # Reading may fail too (SQLite recreates its WAL index when a request opens the database),
    # but as cleanly.
    assert reading in (200, 503)
    assert status_after == 302
    assert integrity == "ok"
    stored = state.texts()
    assert all(text.strip() in stored for text in [*before, after])
    assert state.numbers == list(range(1, state.last_comment_number + 1))
