"""Django's Redis cache that keeps serving when Redis is away.

Everything Debatte keeps in the cache can be rebuilt: rendered pages (keyed by discussion
version), word-list versions, webhook subscriptions, throttle counters. So when Redis does not
answer, each process falls back to its own memory (the shape of an installation without
REDIS_URL: limits count per process, docs/operations.md) instead of failing the request, and
asks Redis again after RETRY_SECONDS; when it answers, the shared counts resume.
"""

import logging
import time
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0  # while Redis is down, requests do not each wait for a refused connection
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


class ResilientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        fallback_params = {k: v for k, v in params.items() if k not in ("OPTIONS", "LOCATION")}
        self.fallback = LocMemCache("debatte-redis-fallback", fallback_params)
        self.down_until = 0.0

    @property
    def redis_down(self) -> bool:
        return time.monotonic() < self.down_until

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if not self.redis_down:
            try:
                result = getattr(super(), name)(*args, **kwargs)
            except UNREACHABLE as error:
                if not self.down_until:
                    logger.warning("cache: Redis unreachable (%r); using process memory", error)
                self.down_until = time.monotonic() + RETRY_SECONDS
            else:
                if self.down_until:
                    logger.warning("cache: Redis reachable again")
                    self.down_until = 0.0
                return result
        return getattr(self.fallback, name)(*args, **kwargs)

    def add(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("add", *args, **kwargs)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("get", *args, **kwargs)

    def set(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("set", *args, **kwargs)

    def touch(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("touch", *args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("delete_many", *args, **kwargs)

    def clear(self) -> Any:
        return self._call("clear")
