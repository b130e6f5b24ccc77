"""A budget of requests per client address: a flood from one address gets 429, not the server.

Reads (GET, HEAD, OPTIONS) and writes (everything else) have their own budget per minute
(settings.DEBATTE REQUESTS_PER_MINUTE_READ / _WRITE; 0: none), far above what a person sends,
so only scripts meet them. The client is `core/clientip.client_ip` (trusted proxies), an IPv6
client its /64 (one subscriber's network: rotating addresses inside it gains nothing). With
Redis every app server counts in the same keys (core/request_counts.py).

A sixth of the budget is granted per 10-second window: bursts stay small (what a flood gets
served is spread over the minute) and Retry-After short. A request costs one counter increment
(one round trip to Redis). Probes and metrics are exempt, static files never get here
(WhiteNoise answers them first), and a live-update stream is one request however long it stays
open. When counting fails the request is served (fail open) and the failure logged once.
"""

import hashlib
import ipaddress
import json
import logging
import time
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import ngettext

from debatte.core import request_counts
from debatte.core.clientip import client_ip
from debatte.core.outages import wants_json

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 10
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
EXEMPT_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
LOG_EVERY_SECONDS = 60.0


def clock() -> float:
    return time.time()  # tests stop it


class _State:
    counting_failed = False  # logged once per failure, again after a success
    last_logged = 0.0


def budget(method: str) -> tuple[str, int]:
    """The scope and the per-minute budget of a request with `method` (0: unlimited)."""
    if method in READ_METHODS:
        return "requests-read", int(settings.DEBATTE.get("REQUESTS_PER_MINUTE_READ", 600))
    return "requests-write", int(settings.DEBATTE.get("REQUESTS_PER_MINUTE_WRITE", 120))


def client_key(address: str) -> str:
    """What is counted for `address`: a digest (no address in clear in Redis); IPv6 by /64."""
    if ":" in address:
        address = str(ipaddress.ip_network(f"{address}/64", strict=False))
    return hashlib.sha256(address.encode()).hexdigest()[:32]


def window(per_minute: int) -> tuple[int, int]:
    """(seconds, count): a sixth of the minute's budget per 10 seconds, so what a flood gets
    served comes spread over the minute; a budget below six a minute per whole minute."""
    if per_minute >= 60 // WINDOW_SECONDS:
        return WINDOW_SECONDS, per_minute * WINDOW_SECONDS // 60
    return 60, per_minute


def retry_after(address: str, scope: str, per_minute: int, now: float) -> int:
    """Count one request of `address`; 0 when it is within budget, else seconds to wait."""
    seconds, allowed = window(per_minute)
    count = request_counts.increment(f"{scope}-{seconds}", client_key(address), now, seconds)
    if count <= allowed:
        return 0
    return seconds - int(now) % seconds


@lru_cache(maxsize=256)
def _refusal(language: str, seconds: int, as_json: bool) -> tuple[bytes, str]:
    """The body and content type of a refusal (kept: a flood gets the same few answers)."""
    with translation.override(language):
        message = ngettext(
            "You have sent very many requests in a short time. "
            "Please wait %(seconds)d second and try again.",
            "You have sent very many requests in a short time. "
            "Please wait %(seconds)d seconds and try again.",
            seconds,
        ) % {"seconds": seconds}
        if as_json:
            body = json.dumps({"error": {"code": "throttled", "message": message}})
            return body.encode(), "application/json"
        page = render_to_string("throttled.html", {"message": message, "language": language})
        return page.encode(), "text/html; charset=utf-8"


def throttled_response(request: HttpRequest, seconds: int) -> HttpResponse:
    """429 with Retry-After, as JSON for the API and JSON clients, else a small page."""
    # Before LocaleMiddleware (cheap refusals): the language comes from cookie or header.
    language = translation.get_language_from_request(request)
    body, content_type = _refusal(language, seconds, wants_json(request))
    response = HttpResponse(body, status=429, content_type=content_type)
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    # Not one "Too Many Requests" line per refusal from django.request: a flood would flood
    # the log too (_log_refusal says it once a minute).
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def _log_refusal(request: HttpRequest, address: str, scope: str) -> None:
    now = time.monotonic()
    if now - _State.last_logged < LOG_EVERY_SECONDS:
        return
    _State.last_logged = now
    hint = ""
    if request.META.get("HTTP_X_FORWARDED_FOR") and address == request.META.get("REMOTE_ADDR"):
        # Every client behind an untrusted proxy shares the proxy's budget.
        hint = " (it sends X-Forwarded-For: is it a proxy missing from DEBATTE_TRUSTED_PROXIES?)"
    logger.warning("request throttle: %s over its %s budget%s", address, scope, hint)


class RequestThrottleMiddleware:
    """After WhiteNoise (static files are not counted), before sessions and views."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        seconds = self.check(request)
        if seconds:
            return throttled_response(request, seconds)
        return self.get_response(request)

    def check(self, request: HttpRequest) -> int:
        scope, per_minute = budget(request.method or "GET")
        if per_minute <= 0 or request.path in EXEMPT_PATHS:
            return 0
        address = client_ip(request)
        if address is None:
            return 0
        try:
            seconds = retry_after(address, scope, per_minute, clock())
        except Exception:  # noqa: BLE001 - fail open: counting must never refuse readers
            if not _State.counting_failed:
                logger.warning("request throttle: counting failed, not counting", exc_info=True)
                _State.counting_failed = True
            return 0
        _State.counting_failed = False
        if seconds:
            _log_refusal(request, address, scope)
        return seconds
