"""Who holds a staff role on a site: the one rule, below the apps that ask it (discussions
shows the editor's-pick button by it; moderation checks every decision by it)."""

from typing import Any

from debatte.articles.models import SiteMembership, SiteRole

MODERATING_ROLES = (SiteRole.MODERATOR, SiteRole.EDITOR, SiteRole.ADMIN)


def moderates_site(user: Any, site_id: int | None) -> bool:
    """A moderator, editor or admin of the site (superusers of every site); one query."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if site_id is None:
        return False
    return SiteMembership.objects.filter(
        user=user, site_id=site_id, role__in=MODERATING_ROLES
    ).exists()
