"""SQLite's query-planner statistics, kept current (sqlite.org/lang_analyze.html).

Without statistics (sqlite_stat1, written by ANALYZE) SQLite picks indexes by rule of thumb,
and on a database that grew from empty it picks wrongly: the first page of the pending queue
at 100,000 comments read all of them and sorted them instead of reading 51 entries of its
partial index (moderation/queue_selectors.py). What SQLite advises is `PRAGMA optimize`:
analyze the tables never analyzed, or grown or shrunk 25-fold since. This module does that
check itself rather than through the pragma, for two measured reasons:

- before SQLite 3.46 (Debian 12 has 3.40) the pragma looks only at tables the connection
  has already queried, so at a connection's start it does nothing;
- the pragma samples under an analysis limit, and on the comments table the sample misled the
  planner (about 400 comments per article estimated instead of 6,000: it kept sorting every
  pending comment). A full ANALYZE of 120,000 comments takes about 0.25 s and runs only when
  a table first fills up or has grown 25-fold, so it is done in full.

When: as each connection opens (CONN_MAX_AGE is 0, so at each request) for the tables never
analyzed: one query (about 0.3 ms); after `migrate` and in the worker's ten-minute run
(notifications.tasks.auto_close_discussions) `thorough`, also comparing row counts (a count
per table: about 6 ms at 120,000 comments); after `migrate` also the tables that got an
index. PostgreSQL keeps its statistics itself (autovacuum): a no-op there.
"""

import logging
from typing import Any

from django.db import DatabaseError
from django.db.backends.base.base import BaseDatabaseWrapper

logger = logging.getLogger(__name__)

# A table is re-analyzed when it has this many times more (or fewer) rows than it had then.
GROWTH = 25
# How long opening a connection waits for another writer before leaving it for next time.
BUSY_TIMEOUT_MS = 200


def optimize(
    connection: BaseDatabaseWrapper, *, thorough: bool = False, new_indexes: bool = False
) -> list[str]:
    """Bring the planner's statistics up to date where they are missing or stale; with
    `new_indexes` (after migrate) also for the tables with an index ANALYZE has not seen.

    Returns the tables analyzed. Never raises for a busy or read-only database: the next
    call tries again."""
    if connection.vendor != "sqlite":
        return []
    try:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout")
            busy = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA busy_timeout={min(int(busy), BUSY_TIMEOUT_MS)}")
            try:
                stale = stale_tables(cursor, thorough=thorough)
                if new_indexes:
                    stale += [t for t in tables_with_new_indexes(cursor) if t not in stale]
                if stale:
                    cursor.execute("PRAGMA analysis_limit=0")  # all rows: see above
                    for table in stale:
                        cursor.execute(f'ANALYZE "{quote(table)}"')
                return stale
            finally:
                cursor.execute(f"PRAGMA busy_timeout={int(busy)}")
    except DatabaseError as error:
        logger.info("sqlite statistics left for later: %s", error)
        return []


def stale_tables(cursor: Any, *, thorough: bool) -> list[str]:
    """Tables with an index whose statistics are missing (and they hold rows) or, with
    `thorough`, whose row count changed GROWTH-fold since ANALYZE counted it."""
    cursor.execute(
        "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'index' "
        "AND tbl_name NOT LIKE 'sqlite^_%' ESCAPE '^' ORDER BY tbl_name"
    )
    indexed = [name for (name,) in cursor.fetchall()]
    counted: dict[str, int] = {}
    cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
    if cursor.fetchone():
        cursor.execute("SELECT tbl, stat FROM sqlite_stat1")
        for table, stat in cursor.fetchall():
            rows = int((stat or "0").split()[0])
            counted[table] = max(counted.get(table, 0), rows)
    stale = []
    # The tables never analyzed that now hold rows: one query for all of them.
    never = [table for table in indexed if table not in counted]
    if never:
        probes = " UNION ALL ".join(
            f'SELECT {index} WHERE EXISTS (SELECT 1 FROM "{quote(table)}")'  # noqa: S608
            for index, table in enumerate(never)
        )
        cursor.execute(probes)
        stale += [never[index] for (index,) in cursor.fetchall()]
    if thorough:
        for table in indexed:
            if table not in counted:
                continue
            cursor.execute(f'SELECT count(*) FROM "{quote(table)}"')  # noqa: S608
            rows = cursor.fetchone()[0]
            then = max(counted[table], 1)
            if rows >= then * GROWTH or rows * GROWTH <= then:
                stale.append(table)
    return stale


def tables_with_new_indexes(cursor: Any) -> list[str]:
    """Analyzed tables holding rows that have an index without statistics (one a migration
    added since). A partial index that matches no row never gets any, so this runs after
    migrate only, not as connections open."""
    cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
    if not cursor.fetchone():
        return []
    cursor.execute(
        "SELECT DISTINCT m.tbl_name FROM sqlite_master AS m "
        "WHERE m.type = 'index' AND m.tbl_name IN (SELECT tbl FROM sqlite_stat1) "
        "AND m.name NOT IN (SELECT idx FROM sqlite_stat1 WHERE idx IS NOT NULL) "
        "ORDER BY m.tbl_name"
    )
    return [table for (table,) in cursor.fetchall()]


def quote(name: str) -> str:
    return name.replace('"', '""')
