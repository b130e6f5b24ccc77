"""Who may manage a site's settings: its admins (SiteMembership role "admin") and superusers."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from debatte.articles.models import Site, SiteMembership, SiteRole


def administers_site(user: Any, site: Site) -> bool:
    """An active admin of `site`, or a superuser; one query for non-superusers."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return SiteMembership.objects.filter(user=user, site=site, role=SiteRole.ADMIN).exists()


# Set on a request once known: whether its user administers any site (the header's link).
REQUEST_FLAG = "_debatte_administers_a_site"


def administers_any_site(request: HttpRequest) -> bool:
    """Whether the request's user may open the site settings: a superuser (no query), or an
    admin of at least one site (one query, at most once per request; none for visitors,
    readers and inactive accounts)."""
    known = getattr(request, REQUEST_FLAG, None)
    if known is None:
        user: Any = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            known = False
        elif user.is_superuser:
            known = True
        else:
            known = SiteMembership.objects.filter(user=user, role=SiteRole.ADMIN).exists()
        setattr(request, REQUEST_FLAG, known)
    return bool(known)


def remember_administers(request: HttpRequest) -> None:
    """The user was just found to administer a site: the header needs no query of its own."""
    setattr(request, REQUEST_FLAG, True)


def sites_administered_by(user: Any) -> QuerySet[Site]:
    """The sites whose settings `user` may change (every site for a superuser)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Site.objects.none()
    if user.is_superuser:
        return Site.objects.all()
    return Site.objects.filter(memberships__user=user, memberships__role=SiteRole.ADMIN).distinct()
