"""Who may manage a site's settings: its admins (SiteMembership role "admin") and superusers."""

from typing import Any

from django.db.models import QuerySet

from debatte.articles.models import Site, SiteMembership, SiteRole


def administers_site(user: Any, site: Site) -> bool:
    """An active admin of `site`, or a superuser; one query for non-superusers."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return SiteMembership.objects.filter(user=user, site=site, role=SiteRole.ADMIN).exists()


def sites_administered_by(user: Any) -> QuerySet[Site]:
    """The sites whose settings `user` may change (every site for a superuser)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Site.objects.none()
    if user.is_superuser:
        return Site.objects.all()
    return Site.objects.filter(memberships__user=user, memberships__role=SiteRole.ADMIN).distinct()
