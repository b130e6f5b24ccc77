"""The machinery of the authorization matrix: walking the endpoints, sending, judging.

The expected outcomes live in test_authorization_matrix.py; this module only finds every
endpoint (URL resolver and OpenAPI document), fills its parameters from the world, sends one
request per (endpoint, method, variant, actor) inside a rolled-back savepoint and classifies
the answer.
"""

import copy
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.signals import request_finished
from django.db import close_old_connections, connection, transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from security_world import ACTORS, Side, World

from debatte.api.models import ApiToken
from debatte.embed.articles import external_key
from debatte.moderation.models import Reason
from debatte.moderation.views.dsa_public import NOTICE_SIGNING_SALT
from debatte.notifications.models import Webhook
from debatte.notifications.unsubscribe import make_token

API = "/api/v1"

# What each expected code of the table accepts. "ok": allowed (an "invalid" answer to minimal
# data is fine); "lg": sent to sign in; "no": 403/404 (409 for a refusal that names a
# conflict); "iv": refused as invalid data (400/422) or denied, and nothing written;
# "rd": refused with a message and a redirect back, and nothing written.
ACCEPTS = {
    "ok": {"ok", "redirect", "invalid"},
    "lg": {"login"},
    "no": {"denied"},
    "iv": {"invalid", "denied"},
    "rd": {"redirect", "denied", "invalid"},
}
GRANTING = {"ok", "redirect", "invalid"}

# Writes that are not the endpoint's effect: the session (login, messages) and the token's
# last use.
IGNORED_WRITES = ("django_session", "api_apitoken")
WRITE = re.compile(r'^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"?(\w+)"?', re.IGNORECASE)


@dataclass(frozen=True)
class Endpoint:
    """One row of the matrix: a name (route name or API operation), a method, a variant."""

    name: str
    method: str
    variant: str = ""

    @property
    def key(self) -> str:
        return " ".join(part for part in (self.name, self.method, self.variant) if part)


@dataclass
class Request:
    path: str
    data: dict[str, Any] | None = None
    json: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Outcome:
    status: int
    kind: str
    writes: list[str]
    text: str = ""
    location: str = ""


# --- Walking the URL resolver ------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str
    route: str
    pattern: URLPattern


def walk_resolver(
    resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""
) -> Iterator[Route]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace + (entry.namespace + ":" if entry.namespace else "")
            yield from walk_resolver(entry, prefix + str(entry.pattern), inner)
        else:
            name = namespace + (entry.name or "")
            yield Route(name, prefix + str(entry.pattern), entry)


def view_methods(pattern: URLPattern) -> tuple[str, ...] | None:
    """The methods a class-based view answers (None: a function view, said by the table)."""
    view_class = getattr(pattern.callback, "view_class", None)
    if view_class is None:
        return None
    allowed = {name.upper() for name in view_class.http_method_names}
    return tuple(m for m in ("GET", "POST") if m in allowed and hasattr(view_class, m.lower()))


# --- Filling parameters from the world ---------------------------------------------------------

COMMENT_VARIANTS = ("pub", "held", "removed")
MODERATION_VARIANTS = ("held", "claimed", "pub")


def page_variants(route: Route) -> tuple[str, ...]:
    kwargs = set(route.pattern.pattern.regex.groupindex)
    if route.name == "dsa-notice-confirmation":
        # The signed notice id of this site's notice, and of the other site's.
        return ("own", "foreign")
    if "pk" in kwargs:
        return MODERATION_VARIANTS
    if "comment_label" in kwargs:
        return COMMENT_VARIANTS
    if "external_key" in kwargs:
        # "forged": a key the site never published, with the site's own Origin header.
        return ("known", "forged")
    return ("",)


def label(side: Side, variant: str) -> str:
    return side.comments.get(variant, side.published).url_label


def page_kwargs(route: Route, side: Side, variant: str) -> dict[str, Any]:
    """The route's URL parameters, each from `side` (unknown names fail the test)."""
    values: dict[str, Callable[[], Any]] = {
        "article_key": lambda: side.article.key,
        "comment_label": lambda: label(side, variant),
        "pk": lambda: side.comments[variant].pk,
        # The site admins' member pages act on a member (the site's moderator).
        "user_id": lambda: (
            side.moderator.pk if route.name.startswith("siteadmin:") else side.author.pk
        ),
        "site_id": lambda: side.site.pk,
        "reason_id": lambda: Reason.objects.filter(site=side.site).order_by("pk")[0].pk,
        "token_id": lambda: ApiToken.objects.get(site=side.site).pk,
        "webhook_id": lambda: Webhook.objects.get(site=side.site).pk,
        "site_slug": lambda: side.site.slug,
        "external_key": lambda: (
            "nie-veroeffentlicht" if variant == "forged" else external_key(side.article)
        ),
        "token": lambda: make_token(side.author, "replies"),
        "name": lambda: "swagger-ui.css",
        # allauth's e-mail confirmation and password reset keys: wrong ones, for everybody.
        "key": lambda: "kein-schluessel",
        "uidb36": lambda: "1",
    }
    names = list(route.pattern.pattern.regex.groupindex)
    missing = [name for name in names if name not in values]
    if missing:
        raise LookupError(f"{route.name}: no world value for URL parameter(s) {missing}")
    return {name: values[name]() for name in names}


def page_request(route: Route, method: str, variant: str, world: World, side: Side) -> Request:
    kwargs = page_kwargs(route, side, variant)
    path = reverse(route.name, kwargs=kwargs)
    headers: dict[str, str] = {}
    if variant == "forged":
        origin = side.site.allowed_origins.splitlines()[0]
        headers["Origin"] = origin
        # Everything a first embed would need, except the site's signed article token.
        path += f"?title=Gefaelscht&url={origin}/gefaelscht"
    if route.name == "dsa-notice-confirmation":
        notice = (world.b if side is world.a else world.a).notice if variant == "foreign" else None
        token = signing.dumps((notice or side.notice).pk, salt=NOTICE_SIGNING_SALT)
        path += f"?notice={token}"
    if route.name in ("moderation-queue", "moderation-dashboard"):
        # The site named: a moderator of another site must be refused, not shown their own.
        site = side.site.slug if route.name == "moderation-dashboard" else side.site.pk
        path += f"?site={site}"
    if route.name == "embed-counts":
        path += f"?site={side.site.slug}&key={external_key(side.article)}"
        headers["Origin"] = side.site.allowed_origins.splitlines()[0]
    data = page_data(route.name, side, variant) if method == "POST" else None
    return Request(path, data=data, headers=headers)


def page_data(name: str, side: Side, variant: str) -> dict[str, Any]:
    """Minimal form data for a POST: enough to reach the authorization where a form's
    validation would answer first; empty where empty data is refused after it."""
    body = {"body": "Ein neuer, sachlicher Beitrag zur Debatte."}
    forms: dict[str, dict[str, Any]] = {
        "comment-create": body,
        "comment-reply": body,
        "comment-edit": body,
        "embed-comment-create": body,
        "comment-report": {"reason": "spam"},
        "comment-editor-pick": {"picked": "1"},
        "dsa-decisions": {"statement": side.statement.pk, "text": "Bitte noch einmal prüfen."},
        "moderation-appeals": {
            "appeal": side.appeal.pk,
            "outcome": "uphold",
            "note": "Die Entscheidung bleibt.",
        },
        "moderation-queue-bulk": {"action": "approve", "comments": [side.held.pk]},
        "moderation-decide": {"action": "approve"},
        "moderation-author": {"action": "warn", "note": "Bitte sachlich bleiben."},
        "moderation-user": {
            "form": "restrict",
            "action": "warn",
            "site": str(side.site.pk),
            "reason": "Bitte sachlich bleiben.",
        },
        "set_language": {"language": "en", "next": "/"},
        "editor-article-new": {
            "site": str(side.site.pk),
            "key": "neu-auf-der-seite",
            "title": "Ein neuer Artikel",
            "discussion_status": "open",
        },
        "editor-article-edit": {
            "key": "artikel",
            "title": "Geänderter Titel",
            "discussion_status": "open",
        },
    }
    return forms.get(name, {})


# --- The API operations from the OpenAPI document ----------------------------------------------


def api_operations(client: Client) -> Iterator[tuple[str, str, dict[str, Any]]]:
    document = client.get(f"{API}/openapi.json").json()
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            if method in ("get", "post", "patch", "put", "delete"):
                yield method.upper(), path.removeprefix(API), operation


def api_variants(path: str) -> tuple[str, ...]:
    if "{label}" not in path:
        return ("",)
    return MODERATION_VARIANTS if path.startswith("/moderation/") else COMMENT_VARIANTS


def api_request(
    method: str, path: str, operation: dict[str, Any], variant: str, side: Side
) -> Request:
    values = {
        "key": side.article.key,
        "label": label(side, variant),
        "user_id": str(side.author.pk),
        "queue": "pending",
    }
    names = re.findall(r"{(\w+)}", path)
    missing = [name for name in names if name not in values]
    if missing:
        raise LookupError(f"{method} {path}: no world value for path parameter(s) {missing}")
    filled = API + re.sub(r"{(\w+)}", lambda m: values[m.group(1)], path)
    required_query = [
        p["name"] for p in operation.get("parameters", []) if p["in"] == "query" and p["required"]
    ]
    if required_query == ["key"]:
        filled += f"?key={side.article.key}"
    elif path == "/moderation/queues/{queue}":
        filled += f"?site={side.site.pk}"  # optional, but names the site the try is about
    elif required_query:
        raise LookupError(f"{method} {path}: no world value for query {required_query}")
    body = None
    if "requestBody" in operation:
        body = api_body(f"{method} {path}", side)
    return Request(filled, json=body)


def api_body(operation: str, side: Side) -> dict[str, Any]:
    """A valid body for each operation that takes one, so that validation never answers first."""
    text = {"body": "Ein neuer, sachlicher Beitrag zur Debatte."}
    restrict = {"reason": "Bitte sachlich bleiben.", "site": side.site.pk}
    decision = "POST /moderation/articles/{key}/comments/{label}/"
    bodies: dict[str, dict[str, Any]] = {
        "POST /articles/{key}/comments": text,
        "POST /articles/{key}/comments/{label}/replies": text,
        "PATCH /articles/{key}/comments/{label}": text,
        "POST /articles/{key}/comments/{label}/reports": {"reason": "spam"},
        decision + "reject": {"reason": "sachlich"},
        decision + "shorten": {"reason": "sachlich", "body": "Gekürzt."},
        decision + "feature": {"featured": True},
        "POST /moderation/users/{user_id}/warn": restrict,
        "POST /moderation/users/{user_id}/suspend": {**restrict, "days": 3},
        "POST /moderation/users/{user_id}/ban": restrict,
        "POST /moderation/users/{user_id}/premoderate": {**restrict, "enabled": True},
        "POST /moderation/users/{user_id}/lift": restrict,
        "POST /moderation/articles/{key}/close": {"reason": "Ruhe."},
        "POST /moderation/articles/{key}/reopen": {"reason": "Weiter."},
        "PUT /articles/{key}": {"title": "Neuer Titel"},
        # A key no article has, on the side's site (a token's own site, an editor's choice).
        "POST /articles": {
            "key": f"{side.site.slug}:neu-aus-dem-cms",
            "site": side.site.pk,
            "title": "Neu",
        },
    }
    if operation not in bodies:
        raise LookupError(f"{operation}: give the matrix a valid request body for it")
    return bodies[operation]


# --- Sending and judging -----------------------------------------------------------------------


def clients(world: World) -> dict[str, Client]:
    made: dict[str, Client] = {}
    for actor in ACTORS:
        client = Client(raise_request_exception=False)
        if actor in world.users:
            client.force_login(world.users[actor])
        if actor in world.tokens:
            client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {world.tokens[actor]}"
        made[actor] = client
    return made


def login_url() -> str:
    return str(resolve_url(settings.LOGIN_URL))


def classify(response: Any) -> str:
    status = response.status_code
    if status == 401:
        return "login"
    if 300 <= status < 400:
        location = response.get("Location", "")
        if location.startswith(login_url()) or location.startswith("/admin/login/"):
            return "login"
        return "redirect"
    if 200 <= status < 300:
        return "ok"
    if status in (403, 404, 409):
        return "denied"
    if status in (400, 422):
        return "invalid"
    return f"error {status}"


def send(client: Client, method: str, request: Request) -> Outcome:
    """One request in a savepoint that is rolled back: every try sees the same world."""
    cache.clear()  # throttles and cached pages: each try stands alone
    cookies = copy.deepcopy(client.cookies)  # a logout or login must not stick either
    connection.queries_log.clear()  # a full log (9,000 queries) would capture nothing
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        kwargs: dict[str, Any] = {"headers": {"Accept": "text/html", **request.headers}}
        if request.json is not None:
            kwargs.update(data=request.json, content_type="application/json")
        elif request.data is not None:
            kwargs["data"] = request.data
        response = getattr(client, method.lower())(request.path, **kwargs)
        if getattr(response, "streaming", False):
            # The live stream: its status is all the matrix needs. Closed as the test client
            # closes responses, without closing the test's database connection.
            request_finished.disconnect(close_old_connections)
            try:
                response.close()
            finally:
                request_finished.connect(close_old_connections)
        transaction.set_rollback(True)
    client.cookies = cookies
    writes = []
    for query in queries.captured_queries:
        match = WRITE.match(query["sql"])
        if match and match.group(2) not in IGNORED_WRITES:
            writes.append(f"{match.group(1).split()[0]} {match.group(2)}")
    text = (
        "" if getattr(response, "streaming", False) else response.content.decode(errors="replace")
    )
    location = response.get("Location", "")
    return Outcome(response.status_code, classify(response), writes, text, location)


def judge(expected: str, outcome: Outcome) -> str | None:
    """None when the outcome is what the table expects; else "violation", "error" or
    "mismatch" (stricter than the table says: the table or the code must change)."""
    if outcome.kind.startswith("error"):
        return "error"
    if expected != "ok" and outcome.writes:
        return "violation"
    if outcome.kind in ACCEPTS[expected]:
        return None
    if outcome.kind in GRANTING:
        return "violation"
    return "mismatch"
