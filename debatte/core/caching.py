"""Responses that change only with a discussion's version: ETags, Cache-Control, a render cache.

A view names what its response depends on (the article, its version, the parameters); these
helpers add what every such response depends on (the language, the reader), answer a matching
`If-None-Match` with 304 through Django's `get_conditional_response`, and keep the responses
anonymous readers get in Django's cache under the same key. A change to a discussion bumps its
version, so the next request has a new key and renders fresh: nothing is invalidated by hand.

Only responses that are the same for every anonymous reader are stored: the caller decides
that, and `cached_response` refuses responses that set cookies (a CSRF or session cookie would
hand one reader's token to the next).
"""

import hashlib
import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

KEY_PREFIX = "debatte:response"


def cache_seconds() -> int:
    """How long a rendered response is kept (0: not at all). Also how stale relative ages
    ("vor 6 Minuten") may get: pages that show them put the current period in their key."""
    return int(settings.DEBATTE.get("RESPONSE_CACHE_SECONDS", 60))


def shared_cache_seconds() -> int:
    """How long a shared cache (the reverse proxy, a CDN) may serve an anonymous response
    without asking (`s-maxage`; 0: it must revalidate every time). Also how late a new comment
    may appear to anonymous readers behind such a cache."""
    return int(settings.DEBATTE.get("SHARED_CACHE_SECONDS", 2))


def time_period() -> int:
    """The current period of `cache_seconds()` (of a minute when caching is off)."""
    return int(time.time()) // (cache_seconds() or 60)


def is_anonymous(request: HttpRequest) -> bool:
    return not getattr(request, "user", None) or not request.user.is_authenticated


def reader_parts(request: HttpRequest) -> tuple[Any, ...]:
    """What a page shows of its reader: nothing for anonymous readers, else who they are."""
    if is_anonymous(request):
        return (0,)
    user: Any = request.user
    return (user.pk, getattr(user, "display_name", ""), user.is_staff)


def variant_key(request: HttpRequest, *parts: object) -> str:
    """A digest of everything a response depends on: the caller's parts, language, reader."""
    raw = repr((*parts, get_language(), *reader_parts(request)))
    return hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()


def etag_for(key: str) -> str:
    """Weak: pages for signed-in readers carry a fresh CSRF mask each time they render."""
    return f'W/"{key}"'


def has_pending_messages(request: HttpRequest) -> bool:
    """Messages are shown once, to one reader: such a response is neither 304 nor cached."""
    return len(get_messages(request)) > 0  # type: ignore[arg-type]


def not_modified(request: HttpRequest, key: str) -> HttpResponseBase | None:
    """304 (or 412) when the request's conditions match the response `key` names, else None."""
    if has_pending_messages(request):
        return None
    return get_conditional_response(request, etag=etag_for(key))


def cached_response(
    request: HttpRequest, key: str, render: Callable[[], HttpResponse], *, store: bool
) -> HttpResponse:
    """The stored response under `key`, else `render()` (stored when `store` and it is 200).

    The cache failing (Redis down) costs only the saving: the response is rendered."""
    store = store and cache_seconds() > 0 and not has_pending_messages(request)
    full_key = f"{KEY_PREFIX}:{key}"
    if store:
        try:
            stored = cache.get(full_key)
        except Exception:  # the cache is an optimisation: never fail a read for it
            logger.warning("response cache unavailable", exc_info=True)
            stored, store = None, False
        if stored is not None:
            content, content_type = stored
            return HttpResponse(content, content_type=content_type)
    response = render()
    if store and response.status_code == 200 and not response.cookies:
        try:
            cache.set(full_key, (response.content, response["Content-Type"]), cache_seconds())
        except Exception:
            logger.warning("response cache unavailable", exc_info=True)
    return response


def add_reader_headers(
    request: HttpRequest, response: HttpResponseBase, key: str, *, vary: tuple[str, ...] = ()
) -> HttpResponseBase:
    """ETag (200 and 304 only), Cache-Control by reader, and Vary on what picks the variant.

    Anonymous readers' responses may be kept by a shared cache (nginx, a CDN) for
    `shared_cache_seconds()` and by browsers only if they revalidate; a response showing a
    one-off message is the reader's own. Signed-in readers' responses only by their own
    browser, revalidated each time. `SharedCacheMiddleware` withdraws `s-maxage` from a
    response that ends up setting a cookie."""
    if response.status_code in (200, 304):
        response.headers.setdefault("ETag", etag_for(key))
    if is_anonymous(request) and not has_pending_messages(request):
        patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
        if shared_cache_seconds() > 0 and response.status_code in (200, 304):
            patch_cache_control(response, s_maxage=shared_cache_seconds())
    else:
        patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ("Cookie", "Accept-Language", *vary))
    return response


class SharedCacheMiddleware:
    """A response that sets a cookie is never shared: it loses `public` and `s-maxage`.

    Outermost, so it sees the cookies every other middleware adds (session, CSRF, messages,
    language) after the view chose the headers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.cookies and response.has_header("Cache-Control"):
            directives = [part.strip() for part in response["Cache-Control"].split(",")]
            names = {part.split("=")[0].strip().lower() for part in directives}
            if names & {"public", "s-maxage"}:
                kept = [part for part in directives if part.split("=")[0].lower() not in SHARED]
                response["Cache-Control"] = ", ".join(["private", *kept])
        return response


SHARED = {"public", "s-maxage", "private"}
