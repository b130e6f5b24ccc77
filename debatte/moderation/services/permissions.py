from django.db.models import QuerySet
from django.utils.translation import gettext as _

from debatte.accounts.models import User
from debatte.articles.models import Site
from debatte.articles.roles import MODERATING_ROLES, edits_site, moderates_site
from debatte.core.exceptions import NotPermitted


def sites_moderated_by(user: User) -> QuerySet[Site]:
    if user.is_superuser:
        return Site.objects.all()
    return Site.objects.filter(
        memberships__user=user, memberships__role__in=MODERATING_ROLES
    ).distinct()


def can_moderate(user: User | None, site_id: int | None) -> bool:
    return moderates_site(user, site_id)


def check_can_moderate(user: User | None, site_id: int | None) -> None:
    if not can_moderate(user, site_id):
        raise NotPermitted(_("You are not a moderator of this site."))


def can_edit(user: User | None, site_id: int | None) -> bool:
    """Editors (and admins) write the site's articles and set its discussions."""
    return edits_site(user, site_id)
