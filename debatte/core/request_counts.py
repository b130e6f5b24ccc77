"""Counters of requests per client and time window: in Redis, or in this process's memory.

With REDIS_URL every app server counts in the same keys (one budget for an address, not one
per process); one request is one round trip (a small script: INCR, and EXPIRE for a new key;
Django's incr would ask EXISTS first and add() would be a third). Without Redis, or while it
does not answer, the counts stay in this process: not in Django's local-memory cache, whose
300 entries a busy minute of addresses would fill, evicting the rendered pages.
"""

import logging
import threading
import time
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

REDIS_RETRY_SECONDS = 5.0  # while Redis fails, requests do not each wait for it
LOCAL_MAX_KEYS = 200_000  # about 40 MB: beyond it the process forgets its counts
PRUNE_SECONDS = 10

COUNT_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""


class _Redis:
    script: Any = None  # registered once; EVALSHA, loaded again when Redis lost it
    retry_at = 0.0


class _Local:
    lock = threading.Lock()
    counts: dict[tuple[str, str, int], int] = {}
    ends: dict[tuple[str, str, int], int] = {}  # when each window ends (epoch seconds)
    pruned = 0


def _key(scope: str, digest: str, window: int) -> str:
    return f"throttle:{scope}:{window}:{digest}"


def _redis() -> RedisCache | None:
    """The default cache when it is Redis and answering."""
    cache = caches["default"]
    if not isinstance(cache, RedisCache) or getattr(cache, "redis_down", False):
        return None
    return cache if time.monotonic() >= _Redis.retry_at else None


def _redis_failed(error: Exception) -> None:
    if not _Redis.retry_at:
        logger.warning("request throttle: Redis unreachable (%r); counting in this process", error)
    _Redis.retry_at = time.monotonic() + REDIS_RETRY_SECONDS


def increment(scope: str, digest: str, now: float, seconds: int) -> int:
    """Count one request in the current window of `seconds`; the window's new count."""
    window = int(now) // seconds
    cache = _redis()
    if cache is not None:
        try:
            full = cache.make_and_validate_key(_key(scope, digest, window))
            client = cache._cache.get_client(full, write=True)  # type: ignore[attr-defined]
            if _Redis.script is None:
                _Redis.script = client.register_script(COUNT_SCRIPT)
            count = int(_Redis.script(keys=[full], args=[seconds + 1], client=client))
        except Exception as error:  # noqa: BLE001 - any Redis failure: count here meanwhile
            _redis_failed(error)
        else:
            if _Redis.retry_at:
                logger.warning("request throttle: Redis reachable again")
                _Redis.retry_at = 0.0
            return count
    return _local_increment((scope, digest, window), seconds, int(now))


def _local_increment(key: tuple[str, str, int], seconds: int, now: int) -> int:
    with _Local.lock:
        if not _Local.pruned <= now < _Local.pruned + PRUNE_SECONDS:
            _Local.pruned = now  # drop the windows that have ended
            ended = [k for k, until in _Local.ends.items() if until < now]
            for k in ended:
                del _Local.counts[k], _Local.ends[k]
        if len(_Local.counts) >= LOCAL_MAX_KEYS:
            _Local.counts.clear()
            _Local.ends.clear()
        count = _Local.counts.get(key, 0) + 1
        _Local.counts[key] = count
        if count == 1:
            _Local.ends[key] = (key[2] + 1) * seconds
        return count


def forget_local() -> None:
    """Tests: start from no counts."""
    with _Local.lock:
        _Local.counts.clear()
        _Local.ends.clear()
        _Local.pruned = 0
    _Redis.retry_at = 0.0
