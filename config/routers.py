"""Reads of anonymous readers' discussion pages and API lists go to the read replica.

Only those: they are the bulk of the reads, they are the same for every anonymous reader, and a
reader who has just posted is signed in, so never reads their own write from a replica that is
behind. `ReplicaReadsMiddleware` marks such a request (after authentication, before the view);
`ReplicaRouter` sends the reads made while the mark is set to `replica`. Every write, and every
read outside a marked request (sessions, sign-in, moderation, the API's writes), uses the
primary. Active only with DATABASE_REPLICA_URL (config/settings.py).
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connections
from django.http import HttpRequest, HttpResponseBase

REPLICA = "replica"
# URL names whose anonymous GETs read from the replica: the article page, the comment list.
READ_VIEWS = frozenset({"article", "api-v1:get_discussion"})

_reading_replica: ContextVar[bool] = ContextVar("debatte_reading_replica", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside go to the replica (when one is configured)."""
    token = _reading_replica.set(True)
    try:
        yield
    finally:
        _reading_replica.reset(token)


def replica_configured() -> bool:
    return REPLICA in connections.settings


class ReplicaRouter:
    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if _reading_replica.get() and replica_configured():
            return REPLICA
        return None  # the default database

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != REPLICA  # it follows the primary by replication


def reads_from_replica(request: HttpRequest) -> bool:
    match = request.resolver_match
    user = getattr(request, "user", None)
    return (
        request.method in ("GET", "HEAD")
        and match is not None
        and match.view_name in READ_VIEWS
        and not (user is not None and user.is_authenticated)
        and "HTTP_AUTHORIZATION" not in request.META
        and replica_configured()
    )


class ReplicaReadsMiddleware:
    """Marks the request's reads for the replica (see the module's docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        token = _reading_replica.set(False)
        try:
            return self.get_response(request)
        finally:
            _reading_replica.reset(token)

    def process_view(self, request: HttpRequest, *args: Any) -> None:
        if reads_from_replica(request):
            _reading_replica.set(True)
