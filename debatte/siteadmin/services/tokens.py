"""A site's API tokens: issued with the plain value shown once (only a hash is stored), revoked."""

from typing import Any

from django.db import transaction

from debatte.api.models import ApiToken
from debatte.articles.models import Site
from debatte.moderation.audit import record


def create_api_token(
    site: Site, *, actor: Any, name: str, can_moderate: bool = False
) -> tuple[ApiToken, str]:
    """The new token and its plain value, which is never stored and never shown again."""
    with transaction.atomic():
        token, plain = ApiToken.issue(site, name, can_moderate=can_moderate)
        record(
            "site.api_token_create",
            actor=actor,
            site_id=site.pk,
            details={"token_id": token.pk, "name": name, "can_moderate": can_moderate},
        )
    return token, plain


def revoke_api_token(token: ApiToken, *, actor: Any) -> bool:
    """Stop the token from working; False when it was revoked already."""
    if not token.is_active:
        return False
    with transaction.atomic():
        token.is_active = False
        token.save(update_fields=["is_active"])
        record(
            "site.api_token_revoke",
            actor=actor,
            site_id=token.site_id,
            details={"token_id": token.pk, "name": token.name},
        )
    return True
