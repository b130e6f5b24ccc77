"""Fixed-window counters in Django's cache: one limit, counted across every process.

With `REDIS_URL` set the default cache is Redis, so a limit holds across all app servers (N
processes do not give an attacker N times the limit); without it the counters are per process,
which is what one process on SQLite needs. `cache.add` creates the window's counter with its
expiry only once, and `cache.incr` is atomic in Redis (INCR) and in the local-memory cache.
"""

import hashlib
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import gettext as _

from debatte.core.exceptions import ActionError


class Throttled(ActionError):
    """Too many attempts; `retry_after` says in how many seconds the window ends."""

    code = "throttled"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Limit:
    """At most `count` events per `seconds` for one key in one scope."""

    scope: str
    count: int
    seconds: int


def _cache_key(limit: Limit, key: str, window: int) -> str:
    # Keys may hold addresses or e-mails: hash them so the cache holds no personal data in clear
    # and every key is a valid memcached/Redis key.
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"throttle:{limit.scope}:{window}:{digest}"


def hit(limit: Limit, key: str | None) -> int:
    """Count one event for `key`; the count in the current window (0: not counted)."""
    if not key or limit.count <= 0:
        return 0
    window = int(time.time()) // limit.seconds
    cache_key = _cache_key(limit, key, window)
    if cache.add(cache_key, 1, limit.seconds + 1):
        return 1
    try:
        return cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, limit.seconds + 1)
        return 1


def count(limit: Limit, key: str | None) -> int:
    """The current window's count for `key`, without counting (to refuse before trying)."""
    if not key or limit.count <= 0:
        return 0
    window = int(time.time()) // limit.seconds
    return int(cache.get(_cache_key(limit, key, window)) or 0)


def is_over(limit: Limit, key: str | None) -> bool:
    """Count one event; True when it is above the limit."""
    return hit(limit, key) > limit.count


def check(limit: Limit, *keys: str | None, message: str | None = None) -> None:
    """Count one event for every key; raise Throttled when any of them is over its limit."""
    over = [key for key in keys if is_over(limit, key)]
    if over:
        retry_after = limit.seconds - int(time.time()) % limit.seconds
        raise Throttled(
            message or _("Too many attempts. Please try again later."), retry_after=retry_after
        )


def reset(limit: Limit, key: str) -> None:
    """Forget the current window's count (tests, and a moderator lifting a lock)."""
    window = int(time.time()) // limit.seconds
    cache.delete(_cache_key(limit, key, window))
