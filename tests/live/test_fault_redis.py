"""Redis stopped while readers read and post on two app servers, then started again.

While it is away pages keep serving and posting keeps working: the cache falls back to each
process's memory (limits count per process, as without REDIS_URL, docs/operations.md) and live
updates reach only readers on the server where the change happened. When Redis is back, live
updates cross servers again, without restarting Debatte. A Redis of this test only is stopped,
never the machine's.
"""

import time
import uuid
from collections import Counter
from collections.abc import Callable

from faults import LOAD_ENV, private_redis
from live_servers import EventStream, Installation, Reader, channel_prefix
from test_live_servers import events_until, stream_path

OUTAGE_SECONDS = 4.0


def read_and_post(readers: list[Reader], anonymous: list[Reader], key: str, seconds: float):
    """Readers read (signed in and anonymous) and post on both servers for `seconds`."""
    statuses: Counter[str] = Counter()
    ends = time.monotonic() + seconds
    n = 0
    while time.monotonic() < ends:
        for reader in anonymous:
            statuses[f"read {reader.request('GET', f'/artikel/{key}/')[0]}"] += 1
        writer = readers[n % len(readers)]
        statuses[f"post {writer.post_comment(key, f'Ohne Redis {uuid.uuid4().hex[:8]}.')}"] += 1
        n += 1
    return statuses


def test_pages_and_posting_survive_redis_and_live_updates_resume_after_it(
    installation: Callable[..., Installation],
) -> None:
    with private_redis() as redis:
        site = installation(
            REDIS_URL=redis.url,
            DEBATTE_LIVE_CHANNEL_PREFIX=channel_prefix(),
            **LOAD_ENV,
        )
        key = site.article_key()
        first, second = site.start_server(), site.start_server()
        writers = [Reader(first, site.sessions[0]), Reader(second, site.sessions[1])]
        anonymous = [Reader(first, ""), Reader(second, "")]
        for reader in anonymous:
            reader.cookies.clear()

        stream = EventStream(second, stream_path(key))
        assert writers[0].post_comment(key, "Mit Redis, über Server A.") == 302
        events_until(stream, "comment.published")

        redis.stop()
        stopped = time.monotonic()
        during = read_and_post(writers, anonymous, key, OUTAGE_SECONDS)
        # A throttled action counts in the process's memory meanwhile (core/resilient_cache.py).
        writers[1].request("GET", f"/artikel/{key}/")
        recommended = writers[1].request(
            "POST", f"/artikel/{key}/kommentar/1/empfehlen/", {}, Accept="application/json"
        )[0]
        during[f"recommend {recommended}"] += 1
        # Degraded live updates: a change still reaches readers of its own server.
        assert writers[1].post_comment(key, "Ohne Redis, über Server B.") == 302
        local = events_until(stream, "comment.published", timeout=3.0)
        outage = time.monotonic() - stopped

        redis.start()
        restarted = time.monotonic()
        resumed_after = None
        while time.monotonic() - restarted < 25:
            fresh = EventStream(second, stream_path(key))
            text = f"Wieder mit Redis {uuid.uuid4().hex[:8]}."
            assert writers[0].post_comment(key, text) == 302
            try:
                events_until(fresh, "comment.published", timeout=2.0)
            except (AssertionError, OSError):
                continue  # the listener has not reconnected yet (it backs off up to 10 s)
            finally:
                fresh.close()
            resumed_after = time.monotonic() - restarted
            break
        stream.close()

    print(
        f"\nRedis away {outage:.1f} s: {dict(during)}; a post on B reached B's reader "
        f"(comment {local['data']['comment']}); live updates across servers resumed "
        f"{resumed_after if resumed_after is None else round(resumed_after, 1)} s after Redis "
        f"came back"
    )
    assert set(during) == {"read 200", "post 302", "recommend 200"}, during
    assert during["post 302"] >= 2
    assert resumed_after is not None, "live updates did not resume within 25 s"
