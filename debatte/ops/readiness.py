"""What /readyz checks: each check answers (ok, detail) and never raises."""

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

Result = tuple[bool, str]

# A check that passed once stays passed in this process: migrations do not come undone and a
# loaded classifier stays loaded; the database, Redis and the worker are asked every time.
_passed_once: set[str] = set()


def database() -> Result:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
    return True, connections[DEFAULT_DB_ALIAS].vendor


def migrations() -> Result:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        return False, f"{len(plan)} migrations not applied (run `debatte migrate`)"
    return True, "applied"


def redis() -> Result:
    if not settings.REDIS_URL:
        return True, "not configured (one process, local cache)"
    cache.set("debatte:readyz", 1, 10)
    if cache.get("debatte:readyz") != 1:
        return False, "the cache did not keep a value"
    return True, "reachable"


def classifier() -> Result:
    path = settings.DEBATTE.get("SCORER") or ""
    if not path:
        return True, "no scorer configured (risk-based moderation holds for a human)"
    scorer = import_string(path)
    scorer("Ein kurzer Satz zum Laden des Modells.")  # loads the model once per process
    return True, path


def worker() -> Result:
    from debatte.ops.heartbeat import live_workers

    count = live_workers()
    if count:
        return True, f"{count} alive"
    # Tasks wait in the database until a worker starts: nothing is lost, mail is late.
    return not settings.DEBATTE.get("READY_REQUIRES_WORKER", False), "no worker seen"


CHECKS: dict[str, Callable[[], Result]] = {
    "database": database,
    "migrations": migrations,
    "redis": redis,
    "classifier": classifier,
    "worker": worker,
}
CACHED = {"migrations", "classifier"}


def run_checks() -> dict[str, Any]:
    results: dict[str, Any] = {}
    for name, check in CHECKS.items():
        if name in _passed_once:
            results[name] = {"ok": True, "detail": "passed"}
            continue
        try:
            ok, detail = check()
        except Exception as error:  # noqa: BLE001 - a failing dependency is the answer
            logger.warning("readyz: %s failed: %r", name, error)
            ok, detail = False, type(error).__name__
        if ok and name in CACHED:
            _passed_once.add(name)
        results[name] = {"ok": ok, "detail": detail}
    return results
