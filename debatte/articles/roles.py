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


EDITING_ROLES = (SiteRole.EDITOR, SiteRole.ADMIN)


def edits_site(user: Any, site_id: int | None) -> bool:
    """An editor or admin of the site (superusers of every site): writes its articles and sets
    its discussions; one query."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if site_id is None:
        return False
    return SiteMembership.objects.filter(
        user=user, site_id=site_id, role__in=EDITING_ROLES
    ).exists()


def sites_edited_by(user: Any) -> list[int] | None:
    """The ids of the sites the user edits; None: every site (superusers)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return None
    memberships = SiteMembership.objects.filter(user=user, role__in=EDITING_ROLES)
    return sorted(set(memberships.values_list("site_id", flat=True)))
