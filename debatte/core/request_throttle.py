"""A budget of requests per client address: a flood from one address gets 429, not the server.

Reads (GET, HEAD, OPTIONS) and writes (everything else) have their own budget per minute
(settings.DEBATTE REQUESTS_PER_MINUTE_READ / _WRITE; 0: none), far above what a person sends,
so only scripts meet them. The client is `core/clientip.client_ip` (trusted proxies), an IPv6
client its /64 (one subscriber's network: rotating addresses inside it gains nothing). With
Redis every app server counts in the same keys (core/request_counts.py).

The minute slides in six 10-second buckets. A request costs one counter increment (one round
trip to Redis); only while an address is above the average rate are the other five buckets read
too. Probes and metrics are exempt, static files never get here (WhiteNoise answers them
first), and a live-update stream is one request however long it stays open. When counting
fails the request is served (fail open) and the failure logged once.
"""

import hashlib
import ipaddress
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import ngettext

from debatte.core import request_counts
from debatte.core.clientip import client_ip
from debatte.core.outages import wants_json
from debatte.core.request_counts import BUCKET_SECONDS, BUCKETS

logger = logging.getLogger(__name__)

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
EXEMPT_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
LOG_EVERY_SECONDS = 60.0


class _State:
    counting_failed = False  # logged once per failure, again after a success
    last_logged = 0.0


def budget(method: str) -> tuple[str, int]:
    """The scope and the per-minute budget of a request with `method` (0: unlimited)."""
    if method in READ_METHODS:
        return "requests-read", int(settings.DEBATTE.get("REQUESTS_PER_MINUTE_READ", 600))
    return "requests-write", int(settings.DEBATTE.get("REQUESTS_PER_MINUTE_WRITE", 60))


def client_key(address: str) -> str:
    """What is counted for `address`: a digest (no address in clear in Redis); IPv6 by /64."""
    if ":" in address:
        address = str(ipaddress.ip_network(f"{address}/64", strict=False))
    return hashlib.sha256(address.encode()).hexdigest()[:32]


def retry_after(address: str, scope: str, per_minute: int, now: float) -> int:
    """Count one request of `address`; 0 when it is within budget, else seconds to wait.

    A sixth of the budget per 10-second bucket is always granted (one round trip); more only
    while the last minute stays within the budget, so a quiet reader may burst, a flood gets
    the average rate at most."""
    bucket = int(now) // BUCKET_SECONDS
    digest = client_key(address)
    current = request_counts.increment(scope, digest, bucket)
    if current * BUCKETS <= per_minute:
        return 0
    left_in_bucket = BUCKET_SECONDS - int(now) % BUCKET_SECONDS
    # Over the whole budget in this bucket alone: no need to read the others.
    if current > per_minute:
        counts = [0] * (BUCKETS - 1)
    else:
        counts = request_counts.previous(scope, digest, bucket)
    total = sum(counts) + current
    if total <= per_minute:
        return 0
    if per_minute >= BUCKETS:
        return left_in_bucket  # the next bucket grants its sixth again
    # A budget below one per bucket: wait until the oldest requests leave the minute.
    for age, count in enumerate([*counts, current]):
        total -= count
        if total < per_minute:
            return age * BUCKET_SECONDS + left_in_bucket
    return BUCKETS * BUCKET_SECONDS  # pragma: no cover - the loop ends below any budget


def throttled_response(request: HttpRequest, seconds: int) -> HttpResponse:
    """429 with Retry-After, as JSON for the API and JSON clients, else a small page."""
    # Before LocaleMiddleware (cheap refusals): the language comes from cookie or header.
    language = translation.get_language_from_request(request)
    with translation.override(language):
        message = ngettext(
            "You have sent very many requests in a short time. "
            "Please wait %(seconds)d second and try again.",
            "You have sent very many requests in a short time. "
            "Please wait %(seconds)d seconds and try again.",
            seconds,
        ) % {"seconds": seconds}
        response: HttpResponse
        if wants_json(request):
            error = {"code": "throttled", "message": message}
            response = JsonResponse({"error": error}, status=429)
        else:
            page = render_to_string("throttled.html", {"message": message, "language": language})
            response = HttpResponse(page, status=429)
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
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
            seconds = retry_after(address, scope, per_minute, time.time())
        except Exception:  # noqa: BLE001 - fail open: counting must never refuse readers
            if not _State.counting_failed:
                logger.warning("request throttle: counting failed, not counting", exc_info=True)
                _State.counting_failed = True
            return 0
        _State.counting_failed = False
        if seconds:
            _log_refusal(request, address, scope)
        return seconds
