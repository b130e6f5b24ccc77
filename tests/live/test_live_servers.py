"""Live updates end to end: real uvicorn app servers, a real SSE client, Redis fan-out."""

import time
from collections.abc import Callable
from typing import Any

import pytest
from live_servers import EventStream, Installation, Reader, channel_prefix


def stream_path(key: str) -> str:
    return f"/live/{key}/ereignisse/"


def events_until(stream: EventStream, wanted: str, timeout: float = 3.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        event = stream.next_event(timeout=left)
        assert event is not None, "the stream ended early"
        if event["data"].get("type") == wanted:
            return event
    raise AssertionError(f"no {wanted} event within {timeout} s")


def test_comment_posted_on_one_server_reaches_a_reader_on_the_other_through_redis(
    installation: Callable[..., Installation], redis_url: str
) -> None:
    site = installation(REDIS_URL=redis_url, DEBATTE_LIVE_CHANNEL_PREFIX=channel_prefix())
    key = site.article_key()
    first, second = site.start_server(), site.start_server()
    stream = EventStream(second, stream_path(key) + "?v=0")
    assert stream.status == 200
    assert stream.response.getheader("Content-Type").startswith("text/event-stream")

    assert Reader(first, site.sessions[0]).post_comment(key, "Geheimer Text A") == 302
    # Published once the POST has answered; from then on the event must arrive within 1 s.
    published = time.monotonic()
    event = events_until(stream, "comment.published", timeout=2.0)
    latency = time.monotonic() - published

    assert event["data"] == {
        "type": "comment.published",
        "article": key,
        "comment": "#1",
        "version": int(event["id"]),
        "count": 1,
    }
    assert latency < 1.0, f"the event took {latency:.2f} s from publication to the other server"
    stream.close()


def test_recommendation_on_one_server_updates_the_count_on_the_other(
    installation: Callable[..., Installation], redis_url: str
) -> None:
    site = installation(REDIS_URL=redis_url, DEBATTE_LIVE_CHANNEL_PREFIX=channel_prefix())
    key = site.article_key()
    first, second = site.start_server(), site.start_server()
    Reader(first, site.sessions[0]).post_comment(key, "Empfehlenswert.")
    stream = EventStream(second, stream_path(key))

    assert Reader(first, site.sessions[1]).recommend(key, "1")["count"] == 1
    event = events_until(stream, "comment.recommended")

    assert event["data"]["comment"] == "#1"
    assert event["data"]["recommendations"] == 1
    stream.close()


def test_in_process_mode_without_redis_delivers_on_the_same_server(
    installation: Callable[..., Installation],
) -> None:
    site = installation()  # no REDIS_URL
    key = site.article_key()
    server = site.start_server()
    stream = EventStream(server, stream_path(key))

    Reader(server, site.sessions[0]).post_comment(key, "Ohne Redis.")
    event = events_until(stream, "comment.published", timeout=2.0)

    assert event["data"]["comment"] == "#1"
    assert "Ohne Redis" not in str(event), "messages never carry a comment's text"
    stream.close()


def test_reconnect_with_an_older_last_event_id_starts_with_a_sync(
    installation: Callable[..., Installation],
) -> None:
    site = installation()
    key = site.article_key()
    server = site.start_server()
    reader = Reader(server, site.sessions[0])
    for text in ("Erster.", "Zweiter."):
        reader.post_comment(key, text)

    stream = EventStream(server, stream_path(key), **{"Last-Event-ID": "1"})
    event = stream.next_event()
    assert event is not None and event["event"] == "sync"
    assert event["data"]["count"] == 2 and event["data"]["version"] > 1

    current = EventStream(server, stream_path(key) + f"?v={event['data']['version']}")
    with pytest.raises(TimeoutError):  # up to date: no sync, only silence
        current.next_event(timeout=0.7)
    stream.close()
    current.close()


def test_stream_sends_heartbeats_and_ends_after_its_lifetime(
    installation: Callable[..., Installation],
) -> None:
    site = installation()
    key = site.article_key()
    server = site.start_server(DEBATTE_LIVE_HEARTBEAT="0.2", DEBATTE_LIVE_LIFETIME="1.2")
    stream = EventStream(server, stream_path(key))

    started = time.monotonic()
    assert stream.next_event(timeout=3.0) is None  # no events, then the server ends the stream
    lasted = time.monotonic() - started

    assert 1.0 <= lasted <= 2.5
    assert stream.comments.count("ping") >= 3
    stream.close()


def test_unknown_article_is_404_and_a_full_server_refuses_with_503(
    installation: Callable[..., Installation],
) -> None:
    site = installation()
    key = site.article_key()
    server = site.start_server(DEBATTE_LIVE_MAX_CONNECTIONS="2")

    assert EventStream(server, "/live/gibt-es-nicht/ereignisse/").status == 404
    held = [EventStream(server, stream_path(key)) for _ in range(2)]
    refused = EventStream(server, stream_path(key))
    assert refused.status == 503
    assert refused.response.getheader("Retry-After") == "30"
    for stream in held:
        stream.close()
