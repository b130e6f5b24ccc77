"""Fan-out of live-update messages to the readers connected to this process.

One `Hub` per process keeps, per article key, the subscriptions of the open event streams (one
bounded asyncio queue each, no thread). `publish()` is called from synchronous code (the
receivers of discussion events, which run in a worker thread under ASGI):

- without REDIS_URL, it hands the message straight to the hub (one app server);
- with REDIS_URL, it publishes to one Redis channel (`<prefix>:live`); every app server runs one
  listener task on its event loop that subscribes to that channel and feeds its own hub, so a
  comment posted on one server reaches the readers on all of them.

Configuration is read from the environment when first needed, never at import:
REDIS_URL, DEBATTE_LIVE_CHANNEL_PREFIX (default "debatte"; one per installation sharing a Redis).
Live updates are best effort: a message lost while Redis is away is repaired when the reader's
stream reconnects with the last version it saw (see views.py).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
import weakref
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

QUEUE_SIZE = 64  # messages waiting per reader before the stream is closed (it will resync)


@dataclass(frozen=True)
class Message:
    """One live-update message: small JSON, never the text of a comment."""

    article: str
    version: int
    data: str  # the JSON sent to the browser

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Message:
        data = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
        return cls(article=str(payload["article"]), version=int(payload["version"]), data=data)

    @classmethod
    def from_wire(cls, raw: bytes | str) -> Message:
        return cls.from_payload(json.loads(raw))

    def frame(self) -> bytes:
        """The server-sent event: `id` is the discussion version (Last-Event-ID on reconnect)."""
        return f"id: {self.version}\ndata: {self.data}\n\n".encode()


CLOSE = Message(article="", version=0, data="")  # tells a stream to end (the reader reconnects)


class Subscription:
    """The queue of one open event stream; lives on the event loop that created it."""

    def __init__(self, hub: Hub, article: str, loop: asyncio.AbstractEventLoop) -> None:
        self.hub = hub
        self.article = article
        self.loop = loop
        self.queue: asyncio.Queue[Message] = asyncio.Queue(maxsize=QUEUE_SIZE)
        self.closed = False

    def push(self, message: Message) -> None:
        """Called on the subscription's loop. A reader too slow to keep up is disconnected."""
        if self.closed:
            return
        if message is CLOSE or self.queue.full():
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queue.put_nowait(CLOSE)
            self.close()
            return
        self.queue.put_nowait(message)

    async def get(self) -> Message:
        return await self.queue.get()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.hub.remove(self)


class Hub:
    """The subscriptions of this process, by article key; `dispatch` is thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # Weak: a stream that is dropped before it ever ran cannot leak its subscription.
        self._by_article: dict[str, weakref.WeakSet[Subscription]] = {}

    def subscribe(self, article: str) -> Subscription:
        subscription = Subscription(self, article, asyncio.get_running_loop())
        with self._lock:
            self._by_article.setdefault(article, weakref.WeakSet()).add(subscription)
        return subscription

    def remove(self, subscription: Subscription) -> None:
        with self._lock:
            subscribers = self._by_article.get(subscription.article)
            if subscribers is not None:
                subscribers.discard(subscription)
                if not subscribers:
                    del self._by_article[subscription.article]

    def has_subscribers(self, article: str) -> bool:
        with self._lock:
            return bool(self._by_article.get(article))

    @property
    def connections(self) -> int:
        with self._lock:
            return sum(len(subscribers) for subscribers in self._by_article.values())

    def dispatch(self, message: Message) -> int:
        """Hand `message` to every subscriber of its article; returns how many there were."""
        with self._lock:
            subscribers = list(self._by_article.get(message.article, ()))
        for subscription in subscribers:
            _call_on_loop(subscription, message)
        return len(subscribers)

    def close_all(self) -> None:
        """End every stream (their readers reconnect and resynchronise by version)."""
        with self._lock:
            subscribers = [s for group in self._by_article.values() for s in group]
        for subscription in subscribers:
            _call_on_loop(subscription, CLOSE)


def _call_on_loop(subscription: Subscription, message: Message) -> None:
    try:
        subscription.loop.call_soon_threadsafe(subscription.push, message)
    except RuntimeError:  # the loop is closed: its streams are gone
        subscription.close()


class Broker:
    """In-process fan-out (no REDIS_URL): publishing dispatches to this process's hub."""

    backend = "in-process"

    def __init__(self) -> None:
        self.hub = Hub()

    def publish(self, payload: dict[str, Any]) -> None:
        self.hub.dispatch(Message.from_payload(payload))

    def may_reach(self, article: str) -> bool:
        """Whether a message about `article` could reach anyone: here, readers of this process."""
        return self.hub.has_subscribers(article)

    def subscribe(self, article: str) -> Subscription:
        return self.hub.subscribe(article)

    async def ready(self, timeout: float) -> bool:  # noqa: ASYNC109 - a bound, not a deadline
        return True


class RedisBroker(Broker):
    """Fan-out through one Redis channel shared by every app server of an installation."""

    backend = "redis"

    def __init__(self, url: str, prefix: str) -> None:
        super().__init__()
        self.url = url
        self.channel = f"{prefix}:live"
        self._client: Any = None
        self._client_lock = threading.Lock()
        self._listeners: dict[asyncio.AbstractEventLoop, tuple[asyncio.Task[None], asyncio.Event]]
        self._listeners = {}

    def _sync_client(self) -> Any:
        with self._client_lock:
            if self._client is None:
                import redis

                self._client = redis.Redis.from_url(
                    self.url, socket_connect_timeout=1, socket_timeout=1
                )
            return self._client

    def publish(self, payload: dict[str, Any]) -> None:
        message = Message.from_payload(payload)
        try:
            self._sync_client().publish(self.channel, message.data)
        except Exception as error:  # noqa: BLE001 - Redis away: at least this server's readers
            logger.warning("live: Redis publish failed (%r); delivering locally only", error)
            self.hub.dispatch(message)

    def may_reach(self, article: str) -> bool:
        return True  # its readers may be on any app server

    def subscribe(self, article: str) -> Subscription:
        self._ensure_listener()
        return super().subscribe(article)

    async def ready(self, timeout: float) -> bool:  # noqa: ASYNC109
        """Wait (bounded) until this loop's listener is subscribed to the channel."""
        _task, subscribed = self._ensure_listener()
        try:
            async with asyncio.timeout(timeout):
                await subscribed.wait()
        except TimeoutError:
            return False
        return True

    def _ensure_listener(self) -> tuple[asyncio.Task[None], asyncio.Event]:
        loop = asyncio.get_running_loop()
        entry = self._listeners.get(loop)
        if entry is None or entry[0].done():
            subscribed = asyncio.Event()
            task = loop.create_task(self._listen(subscribed), name="debatte-live-redis")
            entry = self._listeners[loop] = (task, subscribed)
        return entry

    async def _listen(self, subscribed: asyncio.Event) -> None:
        import redis.asyncio as aioredis

        delay, failed = 0.5, False
        while True:
            client = aioredis.Redis.from_url(self.url, socket_connect_timeout=2)
            try:
                pubsub = client.pubsub(ignore_subscribe_messages=True)
                await pubsub.subscribe(self.channel)
                subscribed.set()
                if failed:  # messages may have been lost: let every reader resynchronise
                    self.hub.close_all()
                    logger.info("live: Redis listener reconnected")
                delay, failed = 0.5, False
                async for item in pubsub.listen():
                    if item.get("type") == "message":
                        self._dispatch_raw(item["data"])
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 - keep listening whatever Redis does
                subscribed.clear()
                if not failed:
                    logger.warning("live: Redis listener lost its connection: %r", error)
                failed = True
            finally:
                await client.aclose()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)

    def _dispatch_raw(self, raw: bytes | str) -> None:
        try:
            message = Message.from_wire(raw)
        except (ValueError, KeyError, TypeError):
            logger.warning("live: ignoring a malformed message on %s", self.channel)
            return
        self.hub.dispatch(message)


_broker: Broker | None = None
_broker_lock = threading.Lock()


def get_broker() -> Broker:
    """This process's broker, made from the environment on first use."""
    global _broker
    with _broker_lock:
        if _broker is None:
            url = os.environ.get("REDIS_URL", "").strip()
            prefix = os.environ.get("DEBATTE_LIVE_CHANNEL_PREFIX", "debatte").strip() or "debatte"
            _broker = RedisBroker(url, prefix) if url else Broker()
        return _broker


def reset_broker() -> None:
    """Forget the broker (tests that change the environment)."""
    global _broker
    with _broker_lock:
        _broker = None


def publish(payload: dict[str, Any]) -> None:
    """Send one message to every reader of `payload["article"]` on every app server."""
    get_broker().publish(payload)


def may_reach(article: str) -> bool:
    """False when no reader of `article` can be listening (known without Redis only)."""
    return get_broker().may_reach(article)
