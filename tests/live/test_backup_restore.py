"""`debatte backup PATH` while readers post, then `debatte restore PATH`: a round trip.

The backup is a consistent snapshot although writes go on (numbers without gaps, counters that
match a recount); the restore brings the database back to exactly that snapshot. SQLite through
its online backup API; PostgreSQL through pg_dump/pg_restore, on a fresh database of the
machine's server.
"""

import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from faults import LOAD_ENV, discussion_state, make_sessions
from live_servers import PYTHON, ROOT, Installation, Reader, make_installation
from test_shared_state import postgres_database

WRITERS = 4


@pytest.fixture(params=["sqlite", "postgresql"])
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Installation]:
    env = {**LOAD_ENV, "DEBATTE_TASKS_BACKEND": "django_tasks_db.DatabaseBackend"}
    if request.param == "sqlite":
        yield make_installation(tmp_path / "site", **env)
        return
    database = postgres_database()
    url = next(database)
    try:
        yield make_installation(tmp_path / "site", DATABASE_URL=url, **env)
    finally:
        next(database, None)


def manage(site: Installation, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=site.env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def keep_posting(url: str, session: str, key: str, stop: threading.Event, sent: list[int]):
    reader = Reader(url, session)
    reader.request("GET", f"/artikel/{key}/")  # the CSRF cookie
    while not stop.is_set():
        text = f"Während der Sicherung {uuid.uuid4().hex[:10]}."
        status = reader.request("POST", f"/artikel/{key}/kommentieren/", {"body": text})[0]
        sent.append(status)


def test_backup_during_writes_and_restore_round_trip(site: Installation, tmp_path: Path) -> None:
    key = site.article_key()
    sessions = make_sessions(site, WRITERS)
    url = site.start_server()
    stop, statuses = threading.Event(), []
    writers = [
        threading.Thread(target=keep_posting, args=(url, s, key, stop, statuses), daemon=True)
        for s in sessions
    ]
    archive = tmp_path / "debatte.backup"
    try:
        for writer in writers:
            writer.start()
        time.sleep(2.0)
        began, before_backup = time.monotonic(), statuses.count(302)
        made = manage(site, "backup", str(archive))
        took, during_backup = time.monotonic() - began, statuses.count(302) - before_backup
        time.sleep(1.0)  # writes after the backup: the restore must take them away again
    finally:
        stop.set()
        for writer in writers:
            writer.join(timeout=20)
        site.stop()
    assert made.returncode == 0, made.stderr[-2000:]
    live = discussion_state(site.env, key)

    restored = manage(site, "restore", str(archive), "--no-input")
    assert restored.returncode == 0, restored.stderr[-2000:]
    back = discussion_state(site.env, key)
    page = Reader(site.start_server(), site.sessions[0]).request("GET", f"/artikel/{key}/")[0]
    site.stop()

    print(
        f"\n{site.env['DATABASE_URL'].split(':')[0]}: backup took {took:.1f} s while "
        f"{during_backup} posts were acknowledged; {made.stdout.strip()!r}; live before the "
        f"restore {len(live.rows)} comments, restored {len(back.rows)} "
        f"(numbers 1..{back.last_comment_number}, count {back.comment_count}, "
        f"recount {back.published}); the page after the restore: {page}"
    )
    assert set(statuses) == {302}, set(statuses)
    assert during_backup > 0, "no write happened while the backup ran"
    assert 0 < len(back.rows) < len(live.rows), "the restore did not bring the snapshot back"
    assert set(back.texts()) <= set(live.texts())
    assert back.numbers == list(range(1, back.last_comment_number + 1)), "a torn snapshot"
    assert back.comment_count == back.published
    assert page == 200


def test_restore_refuses_what_is_not_a_debatte_backup(site: Installation, tmp_path: Path) -> None:
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a database at all" * 100)
    refused = manage(site, "restore", str(junk), "--no-input")
    assert refused.returncode != 0
    assert "not" in refused.stderr and "Traceback" not in refused.stderr
    missing = manage(site, "backup", str(tmp_path / "no-such-dir" / "x.backup"))
    assert missing.returncode != 0 and "does not exist" in missing.stderr
