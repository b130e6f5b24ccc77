"""A database or Redis outage answers 503 (page or JSON, Retry-After), never a 500 stack trace.

While PostgreSQL restarts, SQLite's disk is full or Redis is away, a request fails with
OperationalError / InterfaceError (Django wraps the driver's) or redis' ConnectionError. The
request cannot be served, but it is not a bug: the reader gets "try again in a few seconds" in
their language, API clients `{"error": {"code": "unavailable", ...}}`, and the log one line.
The next request opens a new connection (CONN_MAX_AGE is 0), so the app recovers by itself.

Two ways in: `process_exception` for views and template rendering; for exceptions raised in
other middleware (a session read or saved), Django turns them into a 500 response before this
middleware sees them, so the `got_request_exception` receiver marks the request and `__call__`
replaces that 500.
"""

import logging
import sys
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
# SQLite reports a full disk as "full", or as an I/O error when it cannot create its WAL index.
STORAGE_FULL = ("database or disk is full", "no space left on device", "disk i/o error")
_MARK = "_debatte_outage"


def outage_types() -> tuple[type[BaseException], ...]:
    types: list[type[BaseException]] = [OperationalError, InterfaceError]
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # pragma: no cover - redis is a dependency
        return tuple(types)
    return (*types, RedisConnectionError, RedisTimeoutError)


def is_outage(exc: BaseException | None) -> bool:
    return exc is not None and isinstance(exc, outage_types())


def is_storage_full(exc: BaseException) -> bool:
    text = str(exc).lower()
    return any(sign in text for sign in STORAGE_FULL)


def wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return request.path.startswith("/api/") or (
        "application/json" in accept and "text/html" not in accept
    )


def outage_response(request: HttpRequest, exc: BaseException) -> HttpResponse:
    """The 503 for `exc`, in the request's language; logs one line (no traceback)."""
    full = is_storage_full(exc)
    # A full disk needs an operator; a restarting database or Redis comes back by itself.
    level = logging.ERROR if full else logging.WARNING
    logger.log(level, "outage: %s %s answered 503: %r", request.method, request.path, exc)
    language = getattr(request, "LANGUAGE_CODE", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        if full:
            code = "storage_full"
            message = _(
                "The server cannot save anything at the moment: its storage is full or failing. "
                "Nothing already saved is lost. Please try again later."
            )
        else:
            code = "unavailable"
            message = _(
                "Debatte is briefly unavailable (maintenance or a restart). "
                "Please try again in a few seconds."
            )
        response: HttpResponse
        if wants_json(request):
            response = JsonResponse({"error": {"code": code, "message": message}}, status=503)
        else:
            page = render_to_string(
                "unavailable.html", {"message": message, "language": translation.get_language()}
            )
            response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response._has_been_logged = True  # type: ignore[attr-defined]  # logged above, once
    response["Cache-Control"] = "no-store"
    return response


class OutageMiddleware:
    """Place near the top of MIDDLEWARE (inside the metrics), so it sees what the others raise."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        exc = getattr(request, _MARK, None)
        if exc is not None and response.status_code == 500:
            return outage_response(request, exc)
        return response

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not is_outage(exc):
            return None
        return outage_response(request, exc)


def _mark_request(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """Remember an outage that another middleware raised (Django is handling it right now)."""
    exc = sys.exc_info()[1]
    if request is not None and is_outage(exc):
        setattr(request, _MARK, exc)


got_request_exception.connect(_mark_request, dispatch_uid="debatte.core.outages")
