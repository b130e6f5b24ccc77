"""`debatte backup PATH` and `debatte restore PATH`: a consistent copy taken while Debatte runs.

SQLite: the online backup API (sqlite3.Connection.backup) copies a consistent snapshot while
app servers keep writing (WAL: writers are not blocked); the copy is checked with
`PRAGMA integrity_check` and only then renamed to PATH. Restoring writes the backup into the
live file through the same API (locks and WAL handled by SQLite), after checking it.

PostgreSQL: `pg_dump --format=custom` (one consistent snapshot) and `pg_restore --clean
--if-exists --no-owner --single-transaction` (all or nothing). The client tools must be of the
server's major version or newer.
"""

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from tqdm import tqdm

STEP_PAGES = 1024  # pages per backup step (4 MiB with 4 KiB pages): progress between steps
MAX_RESTARTS = 3  # a write restarts a stepped backup; past this, copy in one step


class BackupError(Exception):
    """The backup or restore could not be done; the message says why and what to do."""


class _Restarted(Exception):
    pass


def database_settings() -> dict[str, Any]:
    return dict(connections[DEFAULT_DB_ALIAS].settings_dict)


def vendor() -> str:
    return str(connections[DEFAULT_DB_ALIAS].vendor)


# --- SQLite -------------------------------------------------------------------------------


def _copy(source: sqlite3.Connection, target: sqlite3.Connection, progress: bool) -> None:
    """Copy `source` into `target` in steps (with a progress bar), or at once if writes keep
    restarting the steps."""
    bar = tqdm(total=0, unit="page", disable=not progress, leave=False)
    seen = {"remaining": -1, "restarts": 0}

    def step(status: int, remaining: int, total: int) -> None:
        if 0 <= seen["remaining"] < remaining:
            seen["restarts"] += 1
            if seen["restarts"] > MAX_RESTARTS:
                raise _Restarted
        seen["remaining"] = remaining
        bar.total = total
        bar.update(total - remaining - bar.n)

    try:
        source.backup(target, pages=STEP_PAGES, progress=step)
    except _Restarted:
        source.backup(target, pages=-1)  # one step: a snapshot, writers wait only in rollback mode
    finally:
        bar.close()


def check_sqlite_file(path: Path) -> int:
    """Raise BackupError unless `path` is an intact Debatte SQLite database; its comment count."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            verdict = db.execute("PRAGMA integrity_check").fetchone()[0]
            if verdict != "ok":
                raise BackupError(f"{path} is damaged: integrity_check says {verdict!r}")
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
            if not {"django_migrations", "discussions_comment"} <= tables:
                raise BackupError(f"{path} is not a Debatte database (no comments table)")
            return int(db.execute("SELECT COUNT(*) FROM discussions_comment").fetchone()[0])
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a readable SQLite database: {error}") from error


def backup_sqlite(target: Path, *, progress: bool) -> int:
    source_path = str(database_settings()["NAME"])
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(source_path, timeout=20)
    with closing(source), closing(sqlite3.connect(partial)) as copy:
        _copy(source, copy, progress)
    try:
        count = check_sqlite_file(partial)
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, target)
    return count


def restore_sqlite(backup: Path, *, progress: bool) -> int:
    count = check_sqlite_file(backup)
    target_path = str(database_settings()["NAME"])
    connections.close_all()
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    with closing(source), closing(sqlite3.connect(target_path, timeout=20)) as target:
        _copy(source, target, progress)
    return count


# --- PostgreSQL ---------------------------------------------------------------------------


def _pg_connection_args() -> tuple[list[str], dict[str, str]]:
    db = database_settings()
    args = ["--dbname", str(db["NAME"])]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt install postgresql-client)")
    return found


def _run_with_progress(command: list[str], env: dict[str, str], progress: bool, what: str) -> None:
    """Run a pg tool with --verbose; each line it reports (a table, an index) ticks the bar."""
    process = subprocess.Popen(  # noqa: S603 - fixed tool, arguments from settings
        [*command, "--verbose"], env=env, stderr=subprocess.PIPE, text=True
    )
    assert process.stderr is not None  # noqa: S101 - PIPE above
    errors = []
    with tqdm(desc=what, unit=" objects", disable=not progress, leave=False) as bar:
        for line in process.stderr:
            bar.update(1)
            if "error" in line.lower():
                errors.append(line.strip())
    if process.wait() != 0:
        raise BackupError(f"{command[0]} failed: " + " | ".join(errors[-5:]))


def backup_postgresql(target: Path, *, progress: bool) -> None:
    args, env = _pg_connection_args()
    partial = target.with_name(target.name + ".part")
    command = [_tool("pg_dump"), "--format=custom", "--file", str(partial), *args]
    try:
        _run_with_progress(command, env, progress, "pg_dump")
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, target)


def restore_postgresql(backup: Path, *, progress: bool) -> None:
    args, env = _pg_connection_args()
    listing = subprocess.run(  # noqa: S603 - is it a pg_dump archive at all?
        [_tool("pg_restore"), "--list", str(backup)], env=env, capture_output=True, text=True
    )
    if listing.returncode != 0 or "discussions_comment" not in listing.stdout:
        raise BackupError(f"{backup} is not a pg_dump archive of a Debatte database")
    connections.close_all()
    command = [
        _tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        *args,
        str(backup),
    ]
    _run_with_progress(command, env, progress, "pg_restore")


BACKUP: dict[str, Callable[..., Any]] = {
    "sqlite": backup_sqlite,
    "postgresql": backup_postgresql,
}
RESTORE: dict[str, Callable[..., Any]] = {
    "sqlite": restore_sqlite,
    "postgresql": restore_postgresql,
}
