"""The site admins' reads: each one or two queries, whatever the number of rows."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from debatte.accounts.models import User
from debatte.api.models import ApiToken
from debatte.articles.models import Site, SiteMembership, SiteRole
from debatte.notifications.models import DeliveryStatus, Webhook, WebhookDelivery

ROLE_ORDER = [SiteRole.ADMIN, SiteRole.EDITOR, SiteRole.MODERATOR]


@dataclass
class Member:
    user: User
    roles: list[str] = field(default_factory=list)

    @property
    def role(self) -> str:
        """The highest of the member's roles on the site (normally the only one)."""
        return next(r for r in ROLE_ORDER if r in self.roles)

    @property
    def role_label(self) -> str:
        return str(SiteRole(self.role).label)


def service_accounts() -> QuerySet[ApiToken, Any]:
    """The accounts moderating API tokens act as: managed with their token, not as members."""
    return ApiToken.objects.filter(acting_user__isnull=False).values("acting_user")


def list_members(site: Site) -> list[Member]:
    """The site's staff by name, without the service accounts of moderating API tokens."""
    rows = (
        SiteMembership.objects.filter(site=site)
        .exclude(user__in=service_accounts())
        .select_related("user")
        .order_by("user__display_name", "role")
    )
    members: dict[int, Member] = {}
    for row in rows:
        members.setdefault(row.user_id, Member(row.user)).roles.append(row.role)
    return list(members.values())


def get_member(site: Site, user_id: int) -> User | None:
    members = User.objects.filter(pk=user_id, site_memberships__site=site)
    return members.exclude(pk__in=service_accounts()).distinct().first()


def find_user(identifier: str) -> User | None:
    """An active account by its e-mail address or display name (either matched exactly)."""
    text = identifier.strip()
    if not text:
        return None
    users = User.objects.filter(is_active=True)
    if "@" in text:
        return users.filter(email__iexact=text).first()
    return users.filter(display_name__iexact=text).first()


def list_api_tokens(site: Site) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(site=site).order_by("-is_active", "-created_at")


def list_webhooks(site: Site) -> list[Webhook]:
    """The site's webhooks, each with its latest delivery's event, status, code and time (one
    query: however many deliveries there are)."""
    latest = WebhookDelivery.objects.filter(webhook=OuterRef("pk")).order_by("-created_at", "-pk")
    webhooks: list[Webhook] = list(
        Webhook.objects.filter(site=site)
        .order_by("created_at", "pk")
        .annotate(
            last_event=Subquery(latest.values("event")[:1]),
            last_status=Subquery(latest.values("status")[:1]),
            last_status_code=Subquery(latest.values("last_status_code")[:1]),
            last_error=Subquery(latest.values("last_error")[:1]),
            last_delivery_at=Subquery(latest.values("created_at")[:1]),
        )
    )
    for webhook in webhooks:
        status = webhook.last_status  # type: ignore[attr-defined]
        webhook.last_status_label = DeliveryStatus(status).label if status else ""  # type: ignore[attr-defined]
    return webhooks
