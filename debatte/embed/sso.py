"""Single sign-on: a publisher signs a short-lived JWT for its reader, Debatte trusts it.

The token names the reader (`sub`, `name`, `email`, `badges`, `entitlements`), is addressed to
the site (`aud` = the site's slug) and used once (`jti`, remembered until `exp`). The signature
algorithm is pinned per site, so an RS256 site never accepts an HS256 token signed with its
public key.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from debatte.accounts.creation import (
    base_name,
    clean_display_name,
    display_name_for,
    email_taken,
    new_external_account,
    normalise_email,
)
from debatte.accounts.models import Badge, User
from debatte.articles.models import Site, SsoAlgorithm
from debatte.articles.sso_keys import SsoKeyError, load_sso_key
from debatte.core.exceptions import ActionError
from debatte.embed.models import UsedSsoToken

LEEWAY = timedelta(seconds=30)
MAX_LIFETIME = timedelta(minutes=15)
REQUIRED_CLAIMS = ["exp", "iat", "sub", "aud", "jti"]


class SsoError(ActionError):
    """A token Debatte does not accept; `code` says why, `message` tells the reader."""


@dataclass(frozen=True)
class SsoReader:
    """The verified claims of one token."""

    subject: str
    name: str
    email: str
    jti: str
    expires_at: datetime
    badges: list[str] = field(default_factory=list)
    may_comment: bool = True


def verify_token(site: Site, token: str, *, now: datetime | None = None) -> SsoReader:
    """Check signature, audience, times and claims; raise SsoError with a clear reason."""
    claims = decode_site_token(site, token, REQUIRED_CLAIMS)
    return _reader_from(claims, now or timezone.now())


def decode_site_token(site: Site, token: str, required: list[str]) -> dict[str, Any]:
    """The claims of a token the site signed for itself (`aud`); SsoError says what is wrong."""
    key = _verification_key(site)
    try:
        return jwt.decode(
            token,
            key,
            algorithms=[site.sso_algorithm],
            audience=site.slug,
            leeway=LEEWAY,
            options={"require": required},
        )
    except jwt.InvalidKeyError:
        raise SsoError(_bad_key_message(), code="sso_bad_key") from None
    except jwt.ExpiredSignatureError:
        raise SsoError(_("The sign-in token has expired."), code="sso_expired") from None
    except jwt.InvalidAudienceError:
        raise SsoError(_("The sign-in token is for another site."), code="sso_wrong_site") from None
    except jwt.MissingRequiredClaimError as error:
        message = _("The sign-in token lacks the claim “%(claim)s”.") % {"claim": error.claim}
        raise SsoError(message, code="sso_missing_claim") from None
    except jwt.ImmatureSignatureError:
        raise SsoError(_("The sign-in token is not valid yet."), code="sso_not_yet_valid") from None
    except jwt.InvalidSignatureError:
        raise SsoError(_("The sign-in token's signature is wrong."), code="sso_forged") from None
    except jwt.InvalidTokenError:
        raise SsoError(_("The sign-in token is not valid."), code="sso_invalid") from None


def _verification_key(site: Site) -> Any:
    """The site's key, checked again here: one saved before the checks existed may be bad."""
    hmac = site.sso_algorithm == SsoAlgorithm.HS256
    key = site.sso_secret if hmac else site.sso_public_key
    if not key.strip():
        raise SsoError(_("This site does not sign its readers in."), code="sso_disabled")
    try:
        return load_sso_key(site.sso_algorithm, site.sso_secret, site.sso_public_key)
    except SsoKeyError:
        raise SsoError(_bad_key_message(), code="sso_bad_key") from None


def _bad_key_message() -> str:
    return _("This site's sign-in key is not usable; the site's settings must be fixed.")


def _reader_from(claims: dict[str, Any], now: datetime) -> SsoReader:
    subject, jti = str(claims["sub"]).strip(), str(claims["jti"]).strip()
    if not subject or len(subject) > 200 or not jti or len(jti) > 200:
        raise SsoError(_("The sign-in token is not valid."), code="sso_invalid")
    issued = datetime.fromtimestamp(int(claims["iat"]), tz=UTC)
    expires = datetime.fromtimestamp(int(claims["exp"]), tz=UTC)
    if expires - issued > MAX_LIFETIME + LEEWAY:
        raise SsoError(_("The sign-in token lives too long."), code="sso_too_long")
    badges = claims.get("badges") or []
    if not isinstance(badges, list) or not all(isinstance(b, str) for b in badges):
        raise SsoError(_("The sign-in token's badges are not a list."), code="sso_invalid")
    return SsoReader(
        subject=subject,
        name=str(claims.get("name") or ""),
        email=str(claims.get("email") or "").strip().lower(),
        jti=jti,
        expires_at=expires,
        badges=[b.strip()[:40] for b in badges if b.strip()][:10],
        may_comment=_may_comment(claims.get("entitlements")),
    )


def _may_comment(entitlements: object) -> bool:
    """`["may_comment", ...]`, `{"may_comment": true}` or absent (everyone may comment)."""
    if entitlements is None:
        return True
    if isinstance(entitlements, list):
        return "may_comment" in entitlements
    if isinstance(entitlements, dict):
        return bool(entitlements.get("may_comment", False))
    raise SsoError(_("The sign-in token's entitlements are not valid."), code="sso_invalid")


def sign_in_with_token(site: Site, token: str, *, replacing: Any = None) -> User:
    """Verify `token`, refuse it if used before, create or update its reader. `replacing`: the
    request's current user, whose session a token never takes over unless a token started it
    (a link could otherwise log a moderator into whoever signed the token)."""
    if replacing is not None and replacing.is_authenticated and replacing.sso_site_id is None:
        message = _(
            "You are logged in with your Debatte account. Log out first to use your account "
            "at the publisher."
        )
        raise SsoError(message, code="sso_session_exists")
    reader = verify_token(site, token)
    with transaction.atomic():
        _remember_token(site, reader)
        return _update_reader(site, reader)


def _remember_token(site: Site, reader: SsoReader) -> None:
    UsedSsoToken.objects.filter(expires_at__lt=timezone.now() - LEEWAY).delete()
    try:
        with transaction.atomic():
            UsedSsoToken.objects.create(site=site, jti=reader.jti, expires_at=reader.expires_at)
    except IntegrityError:
        raise SsoError(_("The sign-in token was used before."), code="sso_replayed") from None


def _update_reader(site: Site, reader: SsoReader) -> User:
    user = User.objects.filter(sso_site=site, sso_subject=reader.subject).first()
    if user is None:
        user = new_external_account(
            reader.name,
            fallback=_default_name(site),
            email=reader.email,
            sso_site_id=site.pk,
            sso_subject=reader.subject,
        )
    else:
        wanted = clean_display_name(reader.name) or _default_name(site)
        if base_name(user.display_name) != wanted:
            user.display_name = display_name_for(
                reader.name, fallback=_default_name(site), exclude_pk=user.pk
            )
        # An address that belongs to another account is not taken over: accounts are never
        # merged on the word of a publisher's token.
        address = normalise_email(reader.email)
        if address and not email_taken(address, exclude_pk=user.pk):
            user.email = address
    user.may_comment = reader.may_comment
    user.save()
    user.badges.set([_badge(site, label) for label in reader.badges])
    return user


def _default_name(site: Site) -> str:
    with translation.override(site.language):
        return _("Reader")


def _badge(site: Site, label: str) -> Badge:
    """The site's own badge row: a token never borrows a badge Debatte or another site gave."""
    slug = f"sso-{site.pk}-{slugify(label) or 'badge'}"[:50]
    badge, _created = Badge.objects.get_or_create(slug=slug, defaults={"label": label})
    return badge
