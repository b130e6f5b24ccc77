"""Who may do what: every URL pattern and every API operation, for every actor.

The endpoints come from the URL resolver and the OpenAPI document, so a new one cannot be
forgotten: an endpoint missing from the tables below fails the test with its name. Each is
tried with site A's objects by every actor, and with site B's objects by every actor of site A
(judged by the row of its mirror image on A, security_world.MIRROR). One request per try, each
rolled back. Run with -s to see the figure.

Codes (authz_matrix.ACCEPTS): ok = allowed (2xx/3xx, or 400/422 to minimal data); lg = sent to sign
in (302 to the login, 401); no = 403/404 (409: refused as a conflict); iv = refused as invalid
data or denied; rd = refused with a message and a redirect back. Anything but "ok" must not
write to the database. A GET or POST that answers more than its cell allows is a violation, and
so is any answer that shows a held or removed comment's text to someone other than its author
and its site's staff (security_world.SEES_A, SEES_B).

A new endpoint: `DEBATTE_MATRIX_DRAFT=1 pytest -s` prints what each actor gets for the rows
that are missing. That is what the code does, not what it should do: decide every cell.
"""

import os
from functools import partial
from typing import Any

import pytest
from authz_matrix import (
    Endpoint,
    Outcome,
    Request,
    Route,
    api_operations,
    api_request,
    api_variants,
    clients,
    judge,
    page_request,
    page_variants,
    send,
    view_methods,
    walk_resolver,
)
from django.contrib import admin
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from security_world import ACTORS, MIRROR, World, build_world

pytestmark = pytest.mark.django_db

# Resolver patterns the page matrix does not walk, each with why.
NOT_WALKED = {
    # The Django admin's URLs: test_admin_matrix below has their table (per registered model).
    "admin:": "the Django admin",
}
# The API's operations are walked from the OpenAPI document; these API URLs are pages.
API_PAGES = {"api-v1:openapi-json", "api-v1:openapi-view", "api-v1:api-root"}
# Function views have no list of methods to read: what each answers.
FUNCTION_VIEWS = {
    "healthz": ("GET",),
    "readyz": ("GET",),
    "metrics": ("GET",),
    "set_language": ("POST",),
    "live-events": ("GET",),
    "api-docs-asset": ("GET",),
    "api-v1:openapi-json": ("GET",),
    "api-v1:openapi-view": ("GET",),
    "api-v1:api-root": ("GET",),
}
# allauth's views (function wrappers) are tried with GET: their POSTs are sign-in forms.
ALLAUTH_PREFIXES = ("account_", "mfa_")

# Columns: an anonymous, rd reader (a plain account), au the comments' author, ot another
# reader, bn a banned reader, fm a moderator of site B, mo a moderator, ed an editor, ad a site
# admin, tk the site's API token, ft site B's token, fs an SSO reader of site B (all but rd, fm,
# ft and fs of site A; site A admits only its SSO readers and its staff). Variants: pub, held,
# claimed, removed comments; "forged": an unknown embed key with the site's own Origin header;
# the notice confirmation with this site's signed notice id and with the other site's.
# Pages ignore API tokens: tk and ft are anonymous there.
# fmt: off
PAGES = """
# endpoint                                 an rd au ot bn fm mo ed ad tk ft fs
healthz GET                                ok ok ok ok ok ok ok ok ok ok ok ok
readyz GET                                 ok ok ok ok ok ok ok ok ok ok ok ok
# The test client comes from 127.0.0.1: /metrics answers loopback without its token.
metrics GET                                ok ok ok ok ok ok ok ok ok ok ok ok
set_language POST                          ok ok ok ok ok ok ok ok ok ok ok ok
account_login GET                          ok ok ok ok ok ok ok ok ok ok ok ok
account_login POST                         ok ok ok ok ok ok ok ok ok ok ok ok
account_logout GET                         ok ok ok ok ok ok ok ok ok ok ok ok
account_logout POST                        ok ok ok ok ok ok ok ok ok ok ok ok
account_inactive GET                       ok ok ok ok ok ok ok ok ok ok ok ok
account_signup GET                         ok ok ok ok ok ok ok ok ok ok ok ok
account_signup POST                        ok ok ok ok ok ok ok ok ok ok ok ok
account_reauthenticate GET                 lg ok ok ok ok ok ok ok ok lg lg ok
account_reauthenticate POST                lg ok ok ok ok ok ok ok ok lg lg ok
account_request_reauthentication_code GET  lg ok ok ok ok ok ok ok ok lg lg ok
account_request_reauthentication_code POST lg ok ok ok ok ok ok ok ok lg lg ok
account_confirm_reauthentication_code GET  lg ok ok ok ok ok ok ok ok lg lg ok
account_confirm_reauthentication_code POST lg ok ok ok ok ok ok ok ok lg lg ok
account_email GET                          lg ok ok ok ok ok ok ok ok lg lg ok
account_email POST                         lg ok ok ok ok ok ok ok ok lg lg ok
account_email_verification_sent GET        ok ok ok ok ok ok ok ok ok ok ok ok
account_change_password GET                lg ok ok ok ok ok ok ok ok lg lg ok
account_change_password POST               lg ok ok ok ok ok ok ok ok lg lg ok
account_set_password GET                   lg ok ok ok ok ok ok ok ok lg lg ok
account_set_password POST                  lg ok ok ok ok ok ok ok ok lg lg ok
account_reset_password GET                 ok ok ok ok ok ok ok ok ok ok ok ok
account_reset_password POST                ok ok ok ok ok ok ok ok ok ok ok ok
account_confirm_login_code GET             lg ok ok ok ok ok ok ok ok lg lg ok
account_confirm_login_code POST            lg ok ok ok ok ok ok ok ok lg lg ok
account_confirm_email GET                  ok ok ok ok ok ok ok ok ok ok ok ok
account_confirm_email POST                 no no no no no no no no no no no no
account_reset_password_from_key_done GET   ok ok ok ok ok ok ok ok ok ok ok ok
account_reset_password_from_key GET        ok ok ok ok ok ok ok ok ok ok ok ok
account_reset_password_from_key POST       ok ok ok ok ok ok ok ok ok ok ok ok
account_reset_password_done GET            ok ok ok ok ok ok ok ok ok ok ok ok
mfa_index GET                              lg ok ok ok ok ok ok ok ok lg lg ok
mfa_authenticate GET                       lg ok ok ok ok ok ok ok ok lg lg ok
mfa_authenticate POST                      lg ok ok ok ok ok ok ok ok lg lg ok
mfa_reauthenticate GET                     lg ok ok ok ok ok ok ok ok lg lg ok
mfa_reauthenticate POST                    lg ok ok ok ok ok ok ok ok lg lg ok
mfa_activate_totp GET                      lg ok ok ok ok ok ok ok ok lg lg ok
mfa_activate_totp POST                     lg ok ok ok ok ok ok ok ok lg lg ok
mfa_deactivate_totp GET                    lg no no no no no no no no lg lg no
mfa_deactivate_totp POST                   lg no no no no no no no no lg lg no
mfa_view_recovery_codes GET                lg no no no no no no no no lg lg no
mfa_generate_recovery_codes GET            lg ok ok ok ok ok ok ok ok lg lg ok
mfa_generate_recovery_codes POST           lg ok ok ok ok ok ok ok ok lg lg ok
mfa_download_recovery_codes GET            lg no no no no no no no no lg lg no
moderation-queue GET                       lg no no no no no ok ok ok lg lg no
moderation-queue-bulk POST                 lg no no no no rd ok ok ok lg lg no
moderation-queue-item GET held             lg no no no no no ok ok ok lg lg no
moderation-queue-item GET claimed          lg no no no no no ok ok ok lg lg no
moderation-queue-item GET pub              lg no no no no no ok ok ok lg lg no
moderation-claim POST held                 lg no no no no no ok ok ok lg lg no
moderation-claim POST claimed              lg no no no no no ok ok ok lg lg no
moderation-claim POST pub                  lg no no no no no ok ok ok lg lg no
moderation-release POST held               lg no no no no no ok ok ok lg lg no
moderation-release POST claimed            lg no no no no no ok ok ok lg lg no
moderation-release POST pub                lg no no no no no ok ok ok lg lg no
moderation-decide POST held                lg no no no no no ok ok ok lg lg no
moderation-decide POST claimed             lg no no no no no ok ok ok lg lg no
moderation-decide POST pub                 lg no no no no no ok ok ok lg lg no
moderation-author POST held                lg no no no no no ok ok ok lg lg no
moderation-author POST claimed             lg no no no no no ok ok ok lg lg no
moderation-author POST pub                 lg no no no no no ok ok ok lg lg no
moderation-appeals GET                     lg no no no no ok ok ok ok lg lg no
moderation-appeals POST                    lg no no no no no no ok ok lg lg no
moderation-audit GET                       lg no no no no ok ok ok ok lg lg no
moderation-dashboard GET                   lg no no no no no ok ok ok lg lg no
moderation-transparency GET                lg no no no no ok ok ok ok lg lg no
moderation-user GET                        lg no no no no ok ok ok ok lg lg no
# A moderator restricts any reader on their own sites only: site A is no choice for fm (400).
moderation-user POST                       lg no no no no iv ok ok ok lg lg no
# The index of a per-site page sends a moderator to their first site's page (fm: site B's).
moderation-wordlists-index GET             lg no no no no ok ok ok ok lg lg no
moderation-wordlists GET                   lg no no no no no ok ok ok lg lg no
moderation-wordlists POST                  lg no no no no no ok ok ok lg lg no
moderation-reasons-index GET               lg no no no no ok ok ok ok lg lg no
moderation-reasons GET                     lg no no no no no ok ok ok lg lg no
moderation-reasons POST                    lg no no no no no ok ok ok lg lg no
moderation-reason-edit GET                 lg no no no no no ok ok ok lg lg no
moderation-reason-edit POST                lg no no no no no ok ok ok lg lg no
# The site settings: the site's admins only (superusers too), not its moderators or editors.
siteadmin:sites GET                        lg no no no no no no no ok lg lg no
siteadmin:settings GET                     lg no no no no no no no ok lg lg no
siteadmin:settings POST                    lg no no no no no no no ok lg lg no
siteadmin:members GET                      lg no no no no no no no ok lg lg no
siteadmin:members POST                     lg no no no no no no no ok lg lg no
siteadmin:member-role POST                 lg no no no no no no no ok lg lg no
siteadmin:member-remove POST               lg no no no no no no no ok lg lg no
siteadmin:tokens GET                       lg no no no no no no no ok lg lg no
siteadmin:tokens POST                      lg no no no no no no no ok lg lg no
siteadmin:token-revoke POST                lg no no no no no no no ok lg lg no
siteadmin:webhooks GET                     lg no no no no no no no ok lg lg no
siteadmin:webhooks POST                    lg no no no no no no no ok lg lg no
siteadmin:webhook-edit GET                 lg no no no no no no no ok lg lg no
siteadmin:webhook-edit POST                lg no no no no no no no ok lg lg no
siteadmin:webhook-delete POST              lg no no no no no no no ok lg lg no
siteadmin:webhook-secret POST              lg no no no no no no no ok lg lg no
siteadmin:webhook-test POST                lg no no no no no no no ok lg lg no
api-docs-asset GET                         ok ok ok ok ok ok ok ok ok ok ok ok
api-v1:openapi-json GET                    ok ok ok ok ok ok ok ok ok ok ok ok
api-v1:openapi-view GET                    ok ok ok ok ok ok ok ok ok ok ok ok
api-v1:api-root GET                        no no no no no no no no no no no no
live-events GET                            ok ok ok ok ok ok ok ok ok ok ok ok
embed-script GET                           ok ok ok ok ok ok ok ok ok ok ok ok
embed-counts GET                           ok ok ok ok ok ok ok ok ok ok ok ok
embed-login-done GET                       ok ok ok ok ok ok ok ok ok ok ok ok
embed-discussion GET known                 ok ok ok ok ok ok ok ok ok ok ok ok
# An Origin header (forgeable) never creates an article: no row may be written.
embed-discussion GET forged                no no no no no no no no no no no no
embed-comment-create POST known            rd iv ok ok iv iv ok ok ok rd rd iv
embed-comment-create POST forged           no no no no no no no no no no no no
embed-sso-sign-in POST                     no no no no no no no no no no no no
embed-sign-out POST                        ok ok ok ok ok ok ok ok ok ok ok ok
dsa-notice GET pub                         ok ok ok ok ok ok ok ok ok ok ok ok
dsa-notice GET held                        no no no no no no no no no no no no
dsa-notice GET removed                     no no no no no no no no no no no no
dsa-notice POST pub                        ok ok ok ok ok ok ok ok ok ok ok ok
dsa-notice POST held                       no no no no no no no no no no no no
dsa-notice POST removed                    no no no no no no no no no no no no
dsa-notice-confirmation GET own            ok ok ok ok ok ok ok ok ok ok ok ok
dsa-notice-confirmation GET foreign        no no no no no no no no no no no no
# The signed link of a notice's decision mail is the permission; the world's token is no
# notice's, so nobody gets in (test_dsa_notice_decisions.py tries real and expired links).
dsa-notice-appeal GET                      no no no no no no no no no no no no
dsa-notice-appeal POST                     no no no no no no no no no no no no
dsa-decisions GET                          lg ok ok ok ok ok ok ok ok lg lg ok
dsa-decisions POST                         lg no ok no no no no no no lg lg no
profile GET                                ok ok ok ok ok ok ok ok ok ok ok ok
profile-settings GET                       lg ok ok ok ok ok ok ok ok lg lg ok
profile-settings POST                      lg ok ok ok ok ok ok ok ok lg lg ok
account-data-export GET                    lg ok ok ok ok ok ok ok ok lg lg ok
account-delete GET                         lg ok ok ok ok ok ok ok ok lg lg ok
account-delete POST                        lg ok ok ok ok ok ok ok ok lg lg ok
notifications-unsubscribe GET              ok ok ok ok ok ok ok ok ok ok ok ok
# The signed link is the permission (whoever holds the mail may unsubscribe its reader).
notifications-unsubscribe POST             ok ok ok ok ok ok ok ok ok ok ok ok
comment-create GET                         lg ok ok ok ok ok ok ok ok lg lg ok
comment-create POST                        lg iv ok ok iv iv ok ok ok lg lg iv
comment-permalink GET pub                  ok ok ok ok ok ok ok ok ok ok ok ok
comment-permalink GET held                 no no ok no no no no no no no no no
comment-permalink GET removed              ok ok ok ok ok ok ok ok ok ok ok ok
comment-reply GET pub                      lg ok ok ok ok ok ok ok ok lg lg ok
comment-reply GET held                     lg no no no no no no no no lg lg no
comment-reply GET removed                  lg no no no no no no no no lg lg no
comment-reply POST pub                     lg iv ok ok iv iv ok ok ok lg lg iv
comment-reply POST held                    lg no no no no no no no no lg lg no
comment-reply POST removed                 lg no no no no no no no no lg lg no
comment-edit GET pub                       lg no ok no no no no no no lg lg no
comment-edit GET held                      lg no ok no no no no no no lg lg no
comment-edit GET removed                   lg no ok no no no no no no lg lg no
comment-edit POST pub                      lg no ok no no no no no no lg lg no
comment-edit POST held                     lg no ok no no no no no no lg lg no
comment-edit POST removed                  lg no ok no no no no no no lg lg no
comment-delete GET pub                     lg no ok no no no no no no lg lg no
comment-delete GET held                    lg no ok no no no no no no lg lg no
comment-delete GET removed                 lg no ok no no no no no no lg lg no
comment-delete POST pub                    lg no ok no no no no no no lg lg no
comment-delete POST held                   lg no ok no no no no no no lg lg no
comment-delete POST removed                lg no ok no no no no no no lg lg no
# Refusals of the page's forms: 400 with the form (iv), or a message and a redirect (rd).
# A ban stops writing, not recommending or reporting.
comment-recommend POST pub                 lg rd rd ok ok rd ok ok ok lg lg rd
comment-recommend POST held                lg no no no no no no no no lg lg no
comment-recommend POST removed             lg no no no no no no no no lg lg no
comment-report GET pub                     lg ok ok ok ok ok ok ok ok lg lg ok
comment-report GET held                    lg no no no no no no no no lg lg no
comment-report GET removed                 lg no no no no no no no no lg lg no
comment-report POST pub                    lg iv iv ok ok iv ok ok ok lg lg iv
comment-report POST held                   lg no no no no no no no no lg lg no
comment-report POST removed                lg no no no no no no no no lg lg no
comment-editor-pick POST pub               lg rd rd rd rd rd ok ok ok lg lg rd
comment-editor-pick POST held              lg no rd no no no no no no lg lg no
comment-editor-pick POST removed           lg rd rd rd rd rd ok ok ok lg lg rd
front-page GET                             ok ok ok ok ok ok ok ok ok ok ok ok
article GET                                ok ok ok ok ok ok ok ok ok ok ok ok
# The editors' article pages: a site's editors and admins, not its moderators.
editor-articles GET                        lg no no no no no no ok ok lg lg no
editor-article-new GET                     lg no no no no no no ok ok lg lg no
# An editor of A choosing site B is refused as an invalid choice (400): fm is iv.
editor-article-new POST                    lg no no no no iv no ok ok lg lg no
editor-article-edit GET                    lg no no no no no no ok ok lg lg no
editor-article-edit POST                   lg no no no no no no ok ok lg lg no
editor-article-accept POST                 lg no no no no no no ok ok lg lg no
"""

OPERATIONS = """
# operation                                                      an rd au ot bn fm mo ed ad tk ft fs
/articles/{key}/comments GET                                     ok ok ok ok ok ok ok ok ok ok no ok
/articles/{key}/comments POST                                    lg no ok ok iv no ok ok ok no no no
/articles/{key}/comments/{label} GET pub                         ok ok ok ok ok ok ok ok ok ok no ok
/articles/{key}/comments/{label} GET held                        no no ok no no no no no no no no no
/articles/{key}/comments/{label} GET removed                     ok ok ok ok ok ok ok ok ok ok no ok
/articles/{key}/comments/{label} PATCH pub                       lg no ok no no no no no no no no no
/articles/{key}/comments/{label} PATCH held                      lg no ok no no no no no no no no no
/articles/{key}/comments/{label} PATCH removed                   lg no ok no no no no no no no no no
/articles/{key}/comments/{label} DELETE pub                      lg no ok no no no no no no no no no
/articles/{key}/comments/{label} DELETE held                     lg no ok no no no no no no no no no
/articles/{key}/comments/{label} DELETE removed                  lg no ok no no no no no no no no no
/articles/{key}/comments/{label}/replies POST pub                lg no ok ok iv no ok ok ok no no no
/articles/{key}/comments/{label}/replies POST held               lg no no no no no no no no no no no
/articles/{key}/comments/{label}/replies POST removed            lg no no no no no no no no no no no
/articles/{key}/comments/{label}/recommendation POST pub         lg no no ok ok no ok ok ok no no no
/articles/{key}/comments/{label}/recommendation POST held        lg no no no no no no no no no no no
/articles/{key}/comments/{label}/recommendation POST removed     lg no no no no no no no no no no no
# Withdrawing what one never recommended changes nothing: no refusal needed.
/articles/{key}/comments/{label}/recommendation DELETE pub       lg ok ok ok ok ok ok ok ok no no ok
/articles/{key}/comments/{label}/recommendation DELETE held      lg no ok no no no no no no no no no
/articles/{key}/comments/{label}/recommendation DELETE removed   lg ok ok ok ok ok ok ok ok no no ok
/articles/{key}/comments/{label}/reports POST pub                lg no iv ok ok no ok ok ok no no no
/articles/{key}/comments/{label}/reports POST held               lg no no no no no no no no no no no
/articles/{key}/comments/{label}/reports POST removed            lg no no no no no no no no no no no
/counts GET                                                      ok ok ok ok ok ok ok ok ok ok ok ok
/me GET                                                          lg ok ok ok ok ok ok ok ok no no ok
/me/comments GET                                                 lg ok ok ok ok ok ok ok ok no no ok
/moderation/queues/{queue} GET                                   lg no no no no no ok ok ok ok no no
/moderation/articles/{key}/comments/{label}/approve POST held    lg no no no no no ok ok ok ok no no
/moderation/articles/{key}/comments/{label}/approve POST claimed lg no no no no no ok ok ok ok no no
/moderation/articles/{key}/comments/{label}/approve POST pub     lg no no no no no ok ok ok ok no no
/moderation/articles/{key}/comments/{label}/reject POST held     lg no no no no no ok ok ok ok no no
/moderation/articles/{key}/comments/{label}/reject POST claimed  lg no no no no no ok ok ok ok no no
/moderation/articles/{key}/comments/{label}/reject POST pub      lg no no no no no ok ok ok ok no no
/moderation/articles/{key}/comments/{label}/shorten POST held    lg no no no no no ok ok ok ok no no
/moderation/articles/{key}/comments/{label}/shorten POST claimed lg no no no no no ok ok ok ok no no
/moderation/articles/{key}/comments/{label}/shorten POST pub     lg no no no no no ok ok ok ok no no
/moderation/articles/{key}/comments/{label}/feature POST held    lg no no no no no ok ok ok ok no no
/moderation/articles/{key}/comments/{label}/feature POST claimed lg no no no no no ok ok ok ok no no
/moderation/articles/{key}/comments/{label}/feature POST pub     lg no no no no no ok ok ok ok no no
# The user is site A's author: restricting oneself is refused as invalid (400) first.
/moderation/users/{user_id}/warn POST                            lg no iv no no no ok ok ok ok no no
/moderation/users/{user_id}/suspend POST                         lg no iv no no no ok ok ok ok no no
/moderation/users/{user_id}/ban POST                             lg no iv no no no ok ok ok ok no no
/moderation/users/{user_id}/premoderate POST                     lg no iv no no no ok ok ok ok no no
/moderation/users/{user_id}/lift POST                            lg no iv no no no ok ok ok ok no no
/moderation/articles/{key}/close POST                            lg no no no no no ok ok ok ok no no
/moderation/articles/{key}/reopen POST                           lg no no no no no ok ok ok ok no no
# The articles API: a site's editors and admins, and its own token (whose service account is
# an editor; a token's reads need no role). Moderators do not write articles.
/articles/{key} GET                                              lg no no no no no no ok ok ok no no
/articles/{key} PUT                                              lg no no no no no no ok ok ok no no
/articles POST                                                   lg no no no no no no ok ok ok no no
"""
# fmt: on


def parse(table: str) -> dict[str, dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    for line in table.strip().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        words = line.split()
        key, codes = " ".join(words[: -len(ACTORS)]), words[-len(ACTORS) :]
        assert key not in rows, f"row {key!r} twice"
        rows[key] = dict(zip(ACTORS, codes, strict=True))
    return rows


def walked_routes() -> list[Route]:
    routes = []
    for route in walk_resolver():
        if any(route.name.startswith(prefix) for prefix in NOT_WALKED):
            continue
        assert route.name and not route.name.endswith(":"), (
            f"an unnamed URL pattern outside the admin: {route.route}"
        )
        routes.append(route)
    return routes


def route_methods(route: Route) -> tuple[str, ...]:
    methods = view_methods(route.pattern)
    if methods is not None:
        return methods
    if route.name.startswith(ALLAUTH_PREFIXES):
        return ("GET",)
    assert route.name in FUNCTION_VIEWS, f"{route.name}: say which methods it answers"
    return FUNCTION_VIEWS[route.name]


DRAFT_CODES = {"ok": "ok", "redirect": "ok", "invalid": "ok", "login": "lg", "denied": "no"}


class Matrix:
    def __init__(self, world: World, table: dict[str, dict[str, str]]) -> None:
        self.world = world
        self.table = table
        self.clients = clients(world)
        self.cells = 0
        self.cross = 0
        self.endpoints = 0
        self.problems: dict[str, list[str]] = {"violation": [], "mismatch": [], "error": []}
        self.missing: list[str] = []
        self.drafts: list[str] = []
        self.secrets = world.secrets()

    def check(self, endpoint: Endpoint, build: Any) -> None:
        """`build(side)` makes the request for one side's objects."""
        row = self.table.get(endpoint.key)
        if row is None:
            self.missing.append(endpoint.key)
            if os.environ.get("DEBATTE_MATRIX_DRAFT"):
                self.draft(endpoint, build)
            return
        self.endpoints += 1
        own = build(self.world.a)
        for actor in ACTORS:
            self.record(endpoint, actor, "", row[actor], self.try_(actor, endpoint, own))
            self.cells += 1
        foreign = build(self.world.b)
        if foreign == own:
            return  # nothing of a site's in the request: no cross-site try
        for actor, mirror in MIRROR.items():
            outcome = self.try_(actor, endpoint, foreign)
            self.record(
                endpoint, actor, f" with site B's objects (as {mirror})", row[mirror], outcome
            )
            self.cross += 1

    def try_(self, actor: str, endpoint: Endpoint, request: Request) -> Outcome:
        return send(self.clients[actor], endpoint.method, request)

    def record(self, endpoint: Endpoint, actor: str, how: str, code: str, outcome: Outcome) -> None:
        verdict = judge(code, outcome)
        leaked = [
            marker
            for marker, readers in self.secrets.items()
            if actor not in readers and marker in outcome.text
        ]
        if leaked and verdict is None:
            verdict = "violation"
        if verdict is None:
            return
        writes = f", wrote {sorted(set(outcome.writes))}" if outcome.writes else ""
        writes += f", showed held/removed text {leaked}" if leaked else ""
        self.problems[verdict].append(
            f"{endpoint.key} | {actor}{how}: expected {code}, got {outcome.status} "
            f"({outcome.kind}{writes})"
        )

    def draft(self, endpoint: Endpoint, build: Any) -> None:
        request = build(self.world.a)
        codes = []
        for actor in ACTORS:
            outcome = self.try_(actor, endpoint, request)
            code = DRAFT_CODES.get(outcome.kind, "!!")
            detail = f"{outcome.status}{'*' if outcome.writes else ''}"
            codes.append(f"{code}:{detail}" if os.environ["DEBATTE_MATRIX_DRAFT"] == "2" else code)
        width = max(len(c) for c in codes) + 1
        self.drafts.append(
            f"{endpoint.key:<44} " + " ".join(f"{c:<{width}}" for c in codes).rstrip()
        )


@pytest.fixture(autouse=True)
def no_request_budget(settings: Any) -> None:
    # Thousands of requests from the test client's one address (core/request_throttle.py).
    budgets = {"REQUESTS_PER_MINUTE_READ": 0, "REQUESTS_PER_MINUTE_WRITE": 0}
    settings.DEBATTE = {**settings.DEBATTE, **budgets}


def test_authorization_matrix() -> None:
    world = build_world()
    matrix = Matrix(world, parse(PAGES) | parse(OPERATIONS))

    routes = walked_routes()
    operations = list(api_operations(Client()))
    operation_names = {op.get("operationId", "") for _m, _p, op in operations}
    for route in routes:
        if route.name.startswith("api-v1:") and route.name not in API_PAGES:
            name = route.name.removeprefix("api-v1:")
            assert any(op_id.endswith("_" + name) for op_id in operation_names), (
                f"{route.name} is neither an operation of the OpenAPI document nor a page"
            )
            continue
        for method in route_methods(route):
            for variant in page_variants(route):
                build = partial(page_request, route, method, variant, world)
                matrix.check(Endpoint(route.name, method, variant), lambda side, b=build: b(side))
    for method, path, operation in operations:
        for variant in api_variants(path):
            build = partial(api_request, method, path, operation, variant)
            matrix.check(Endpoint(path, method, variant), lambda side, b=build: b(side))

    if matrix.drafts:
        print("\nDraft rows (what the code does now; decide each cell):")
        print("\n".join(matrix.drafts))
    print(
        f"\nAuthorization matrix: {matrix.endpoints} endpoints × {len(ACTORS)} actors = "
        f"{matrix.cells} checked, and {matrix.cross} tries with the other site's objects; "
        f"{len(matrix.problems['violation'])} violations"
    )
    failures = []
    if matrix.missing:
        failures.append("Endpoints missing from the table:\n  " + "\n  ".join(matrix.missing))
    for verdict, lines in matrix.problems.items():
        if lines:
            failures.append(f"{verdict.capitalize()}s ({len(lines)}):\n  " + "\n  ".join(lines))
    stale = set(matrix.table) - matrix_keys(routes, operations)
    if stale:
        failures.append("Rows for endpoints that no longer exist:\n  " + "\n  ".join(sorted(stale)))
    assert not failures, "\n".join(failures)


def matrix_keys(routes: list[Route], operations: list[tuple[str, str, dict[str, Any]]]) -> set[str]:
    keys = set()
    for route in routes:
        if route.name.startswith("api-v1:") and route.name not in API_PAGES:
            continue
        for method in route_methods(route):
            for variant in page_variants(route):
                keys.add(Endpoint(route.name, method, variant).key)
    for method, path, _operation in operations:
        for variant in api_variants(path):
            keys.add(Endpoint(path, method, variant).key)
    return keys


# --- The Django admin --------------------------------------------------------------------------

# Every registered model, and the path from it to its site (None: no site's, superusers only).
# The site admin of A (with every model permission, so that only the scoping can hide rows) must
# see A's rows only, open A's and not B's; a moderator without the admin role and a reader see
# nothing; anonymous is sent to sign in. The paths are the test's own, not read from the code.
ADMIN_MODELS = {
    "auth.group": None,
    "account.emailaddress": None,
    "mfa.authenticator": None,
    "django_tasks_database.dbtaskresult": None,
    "accounts.badge": None,
    "accounts.user": None,
    "articles.site": "pk",
    "articles.section": "site_id",
    "articles.article": "site_id",
    "discussions.comment": "article__site_id",
    "discussions.report": "comment__article__site_id",
    "discussions.recommendation": "comment__article__site_id",
    "moderation.reason": "site_id",
    "moderation.wordlistentry": "site_id",
    "moderation.auditentry": "site_id",
    "moderation.statementofreasons": "site_id",
    "moderation.appeal": "statement__site_id",
    "notifications.webhook": "site_id",
    "notifications.webhookdelivery": "webhook__site_id",
}
ADMIN_ACTORS = {"anonymous": "lg", "reader": "lg", "mod": "no", "fmod": "no"}


def site_of(obj: Model, path: str) -> int:
    value: Any = obj
    for step in path.split("__"):
        value = getattr(value, step)
    return int(value)


def admin_url(model: type[Model], view: str, *args: object) -> str:
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


def test_admin_matrix() -> None:
    world = build_world()
    actors = clients(world)
    registered = {f"{m._meta.app_label}.{m._meta.model_name}": m for m in admin.site._registry}
    unknown = sorted(set(registered) - set(ADMIN_MODELS))
    assert not unknown, f"registered in the admin but not in ADMIN_MODELS: {unknown}"
    problems: list[str] = []
    checked = 0

    def expect(label: str, actor: str, code: str, request: Request) -> Outcome:
        nonlocal checked
        checked += 1
        outcome = send(actors[actor], "GET", request)
        kind = "denied" if is_not_found_redirect(outcome) else outcome.kind
        if kind not in ACCEPTS_ADMIN[code]:
            problems.append(f"{label} | {actor}: expected {code}, got {outcome.status} ({kind})")
        return outcome

    for label, model in sorted(registered.items()):
        path = ADMIN_MODELS[label]
        changelist = Request(admin_url(model, "changelist"))
        for actor, code in ADMIN_ACTORS.items():
            expect(f"{label} changelist", actor, code, changelist)
        if path is None:
            expect(f"{label} changelist", "admin", "no", changelist)
            continue
        response = actors["admin"].get(changelist.path)
        checked += 1
        if response.status_code != 200:
            problems.append(f"{label} changelist | admin: expected ok, got {response.status_code}")
            continue
        rows = list(response.context["cl"].result_list)
        foreign = [row.pk for row in rows if site_of(row, path) != world.a.site.pk]
        if foreign or not rows:
            problems.append(f"{label} changelist | admin: rows of another site {foreign}, {rows}")
        for side, code in ((world.a, "ok"), (world.b, "no")):
            obj = model._default_manager.filter(**{path: side.site.pk}).first()
            assert obj is not None, f"the world has no {label} of site {side.site.slug}"
            change = Request(admin_url(model, "change", obj.pk))
            expect(f"{label} change {side.site.slug}", "admin", code, change)
            if code == "no":
                expect(f"{label} change {side.site.slug}", "mod", "no", change)
    print(f"\nDjango admin: {len(registered)} models, {checked} checks, {len(problems)} violations")
    assert not problems, "Admin violations:\n  " + "\n  ".join(problems)


ACCEPTS_ADMIN = {"ok": {"ok"}, "lg": {"login"}, "no": {"denied"}}


def is_not_found_redirect(outcome: Outcome) -> bool:
    """The admin answers an object it does not show with a redirect to its index."""
    return outcome.kind == "redirect" and outcome.location.rstrip("/").endswith("/admin")
