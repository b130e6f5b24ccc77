import hashlib
import secrets
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(models.Model):
    """A site's server-to-server API token; only its hash is stored."""

    site = models.ForeignKey("articles.Site", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    can_moderate = models.BooleanField(_("may moderate"), default=False)
    # Moderating tokens decide as this service account (a moderator of the token's site), so
    # audit entries and statements of reasons name who decided: "API <token name>".
    acting_user = models.OneToOneField(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.site})"

    @classmethod
    def issue(cls, site: Any, name: str, *, can_moderate: bool = False) -> tuple["ApiToken", str]:
        """Create a token; the plain value is returned once and never stored."""
        from debatte.accounts.creation import create_external_account
        from debatte.articles.models import SiteMembership, SiteRole

        plain = "dbt_" + secrets.token_urlsafe(32)
        acting_user = None
        if can_moderate:
            # The accounts service's rules: a valid, unique name whatever the token is called.
            acting_user = create_external_account(f"API {name}", fallback="API")
            SiteMembership.objects.create(site=site, user=acting_user, role=SiteRole.MODERATOR)
        token = cls.objects.create(
            site=site,
            name=name,
            token_hash=hash_token(plain),
            can_moderate=can_moderate,
            acting_user=acting_user,
        )
        return token, plain
