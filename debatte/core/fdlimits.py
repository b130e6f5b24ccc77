"""How many long-lived connections (live event streams) one process may hold open.

Each open stream holds one socket, i.e. one file descriptor, and a process may open only
RLIMIT_NOFILE of them (often 1,024). Past that, `accept()` fails for every request, not only
streams, and the database, Redis and log files cannot be opened either. So the cap is a share
of the soft limit that leaves the rest for those.
"""

import functools
import logging
import os
import resource
from dataclasses import dataclass

logger = logging.getLogger("debatte.live")

SETTING = "DEBATTE_LIVE_MAX_CONNECTIONS"
# Above this, memory (a queue and a coroutine per stream) rather than descriptors is the limit.
DEFAULT_CEILING = 10_000
# Streams may use three quarters of the descriptors; the rest is for database and Redis
# connections, log and static files, and ordinary requests.
STREAM_SHARE = 0.75


@dataclass(frozen=True)
class StreamCapacity:
    cap: int
    soft_limit: int | None  # None: the process has no limit on descriptors
    requested: int | None  # DEBATTE_LIVE_MAX_CONNECTIONS, when set
    lowered: bool  # the setting asked for more than the descriptors allow

    def describe(self) -> str:
        limit = "unlimited" if self.soft_limit is None else str(self.soft_limit)
        how = f"{SETTING}={self.requested}" if self.requested is not None else "default"
        text = f"live streams: at most {self.cap} per process ({how}; RLIMIT_NOFILE soft {limit})"
        if self.lowered:
            text += f", lowered from {self.requested}: raise `ulimit -n` to allow more"
        return text


def soft_nofile_limit() -> int | None:
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    return None if soft == resource.RLIM_INFINITY else int(soft)


def stream_capacity(requested: int | None, soft_limit: int | None) -> StreamCapacity:
    """The cap for `requested` streams (None: the default) under `soft_limit` descriptors."""
    safe = DEFAULT_CEILING if soft_limit is None else max(1, int(soft_limit * STREAM_SHARE))
    if requested is None:
        return StreamCapacity(min(DEFAULT_CEILING, safe), soft_limit, None, lowered=False)
    if requested > safe and soft_limit is not None:
        return StreamCapacity(safe, soft_limit, requested, lowered=True)
    return StreamCapacity(requested, soft_limit, requested, lowered=False)


@functools.cache
def current_stream_capacity() -> StreamCapacity:
    """The cap for this process, from the environment; computed (and warned about) once."""
    raw = os.environ.get(SETTING, "").strip()
    capacity = stream_capacity(int(raw) if raw else None, soft_nofile_limit())
    if capacity.lowered:
        logger.warning("%s", capacity.describe())
    return capacity
