"""Who is calling: a reader by Django session (CSRF-checked), a site by API token, or no one.

Every operation receives a `Principal`. Public reads accept all three; writes need a reader;
moderation needs a reader who moderates the comment's site (the services check that).
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from debatte.accounts.models import User
from debatte.api.errors import ApiError
from debatte.api.models import ApiToken, hash_token
from debatte.core import throttle
from debatte.core.clientip import client_ip
from debatte.core.exceptions import NotPermitted
from debatte.core.throttle import Limit

TOKEN_PREFIX = "dbt_"  # noqa: S105 - the public prefix, not a secret


@dataclass(frozen=True)
class Principal:
    user: User | None = None
    token: ApiToken | None = None

    @property
    def site_id(self) -> int | None:
        """The one site an API token may act on (None: no restriction)."""
        return self.token.site_id if self.token is not None else None

    def require_user(self) -> User:
        if self.user is not None:
            return self.user
        if self.token is not None:
            raise NotPermitted(_("API tokens cannot act as a reader; sign in as one."))
        raise ApiError(401, "not_authenticated", _("Please sign in."))


ANONYMOUS = Principal()


# Wrong tokens per client address, counted in the shared cache (every app server).
FAILED_TOKENS = Limit("api_token_failed", 20, 300)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer dbt_...`: a site's server-to-server token, looked up by hash.

    An address that sent too many wrong tokens is refused before any lookup, right tokens
    included, so that guessing cannot go on and tell right from wrong.
    """

    def authenticate(self, request: HttpRequest, token: str) -> Principal:
        address = client_ip(request)
        if throttle.count(FAILED_TOKENS, address) >= FAILED_TOKENS.count:
            raise ApiError(
                429, "rate_limited", _("Too many wrong API tokens. Please try again later.")
            )
        found = _active_token(token) if token.startswith(TOKEN_PREFIX) else None
        if found is None:
            throttle.hit(FAILED_TOKENS, address)
            # A wrong token is an error, never a silent fall-back to anonymous access.
            raise ApiError(401, "invalid_token", _("This API token is not valid."))
        record_use(found)
        return Principal(token=found)


def _active_token(plain: str) -> ApiToken | None:
    tokens = ApiToken.objects.select_related("acting_user")
    return tokens.filter(token_hash=hash_token(plain), is_active=True).first()


# A token's `last_used_at` is written at most once in this interval, so a busy CMS does not
# write a row on every request (the site admins' page shows it to the minute).
LAST_USED_INTERVAL = timedelta(seconds=60)


def record_use(token: ApiToken) -> None:
    """Note that `token` authenticated now: no query while its stored time is under a minute
    old, else one conditional UPDATE (concurrent requests that both saw an old time write once)."""
    now = timezone.now()
    stale = now - LAST_USED_INTERVAL
    if token.last_used_at is not None and token.last_used_at >= stale:
        return
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale)
    ).update(last_used_at=now)
    token.last_used_at = now


class ReaderSessionAuth(SessionAuth):
    """Django's session cookie; unsafe methods must carry the CSRF token (X-CSRFToken).

    CSRF is checked only for a signed-in session, so that a request without any credentials
    is told to sign in (401) rather than that its CSRF token is missing.
    """

    def __call__(self, request: HttpRequest) -> Principal | None:
        user: Any = request.user
        if not (user.is_authenticated and user.is_active):
            return None
        try:
            refused = check_csrf(request)
        except MultiPartParserError:
            # The CSRF check reads a form body; a malformed one is the client's error.
            raise ApiError(400, "bad_request", _("The request body cannot be read.")) from None
        if refused is not None:
            raise ApiError(403, "csrf_failed", _("The CSRF token is missing or wrong."))
        return Principal(user=user)

    def authenticate(self, request: HttpRequest, key: str | None) -> Principal | None:
        return self(request)  # pragma: no cover - __call__ does the work


def anonymous(request: HttpRequest) -> Principal:
    """The last resort of public operations: no credentials at all."""
    return ANONYMOUS


token_auth = TokenAuth()
session_auth = ReaderSessionAuth(csrf=True)

PUBLIC = [token_auth, session_auth, anonymous]
SIGNED_IN = [token_auth, session_auth]


def principal_of(request: HttpRequest) -> Principal:
    """The caller of an operation, as the operation's auth callbacks found them."""
    principal = getattr(request, "auth", None)
    if not isinstance(principal, Principal):  # every auth callback returns one
        raise ApiError(401, "not_authenticated", _("Please sign in."))
    return principal
