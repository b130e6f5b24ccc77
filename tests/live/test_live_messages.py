"""Live-update messages, the in-process hub and the page's live box (no app server needed)."""

import asyncio
import threading
from typing import Any

import pytest

from debatte.live import events
from debatte.live.broker import CLOSE, QUEUE_SIZE, Hub, Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The messages sent, with a reader of every article listening."""
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(events, "publish", sent.append)
    monkeypatch.setattr(events, "may_reach", lambda article: True)
    return sent


def test_published_comment_sends_label_and_counts_but_no_text(
    published: list[dict[str, Any]],
    article: Any,
    make_comment: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        make_comment(article, body="Ein Text, der nicht mitgeschickt wird.")

    (message,) = published
    article.refresh_from_db()
    assert message == {
        "type": "comment.published",
        "article": article.key,
        "comment": "#1",
        "version": article.version,
        "count": 1,
    }


def test_recommendation_sends_the_count_after_the_commit(
    published: list[dict[str, Any]],
    article: Any,
    make_comment: Any,
    other_reader: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from debatte.discussions.services import recommend_comment

    comment = make_comment(article)
    with django_capture_on_commit_callbacks(execute=True):
        recommend_comment(comment, user=other_reader)

    assert published[-1]["type"] == "comment.recommended"
    assert published[-1]["recommendations"] == 1


def test_held_comment_is_not_announced(
    published: list[dict[str, Any]],
    make_article: Any,
    make_comment: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    article = make_article(moderation_mode="pre")
    with django_capture_on_commit_callbacks(execute=True):
        make_comment(article)

    assert published == []


def test_no_message_and_no_query_when_nobody_listens_to_the_article(
    monkeypatch: pytest.MonkeyPatch,
    article: Any,
    make_comment: Any,
    django_capture_on_commit_callbacks: Any,
    django_assert_num_queries: Any,
) -> None:
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(events, "publish", sent.append)
    comment = make_comment(article)

    with django_assert_num_queries(0):
        events.on_discussion_event(None, name="comment.published", comment=comment)

    assert sent == []


def test_message_is_sent_when_a_reader_of_the_article_is_connected(
    monkeypatch: pytest.MonkeyPatch, article: Any, make_comment: Any
) -> None:
    from debatte.live.broker import Broker

    broker = Broker()
    monkeypatch.setattr("debatte.live.broker._broker", broker)
    comment = make_comment(article)
    # The reader's stream lives on an event loop of its own; the event comes from this thread.
    loop = asyncio.new_event_loop()
    streams = threading.Thread(target=loop.run_forever, daemon=True)
    streams.start()
    try:

        async def connect() -> Any:
            return broker.subscribe(article.key)

        subscription = asyncio.run_coroutine_threadsafe(connect(), loop).result(5)
        events.on_discussion_event(None, name="comment.published", comment=comment)
        message = asyncio.run_coroutine_threadsafe(subscription.get(), loop).result(5)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        streams.join(5)
        loop.close()

    assert message.article == article.key
    assert '"comment":"#1"' in message.data
    assert not broker.hub.has_subscribers("another-article")


def test_hub_delivers_from_another_thread_and_disconnects_slow_readers() -> None:
    async def scenario() -> None:
        hub = Hub()
        fast, slow = hub.subscribe("a"), hub.subscribe("a")
        other = hub.subscribe("b")
        message = Message.from_payload({"article": "a", "version": 3, "type": "x"})
        worker = threading.Thread(target=hub.dispatch, args=(message,))
        worker.start()
        worker.join()
        assert await asyncio.wait_for(fast.get(), 1) == message
        assert other.queue.empty()
        assert message.frame() == b'id: 3\ndata: {"article":"a","version":3,"type":"x"}\n\n'

        for _ in range(QUEUE_SIZE + 1):
            hub.dispatch(message)
        await asyncio.sleep(0)
        assert slow.queue.get_nowait() is CLOSE and slow.closed  # it reconnects and resyncs
        assert fast.closed, "a reader who did not read is as slow as any"
        assert hub.connections == 1
        other.close()
        assert hub.connections == 0

    asyncio.run(scenario())


def test_article_page_has_the_live_box_in_german(client: Any, article: Any) -> None:
    page = client.get(f"/artikel/{article.key}/").content.decode()

    assert 'id="live-updates"' in page and 'aria-live="polite"' in page
    assert f'data-url="/live/{article.key}/ereignisse/"' in page
    assert 'data-many="COUNT neue Kommentare"' in page
    assert "debatte/live.js" in page


def test_closed_discussion_has_no_live_box(client: Any, make_article: Any) -> None:
    closed = make_article(discussion_status="closed")

    assert 'id="live-updates"' not in client.get(f"/artikel/{closed.key}/").content.decode()
