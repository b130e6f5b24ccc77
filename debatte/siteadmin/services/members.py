"""A site's staff: add a member with a role, change the role, remove; a site keeps one admin."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from debatte.accounts.models import User
from debatte.articles.models import Site, SiteMembership, SiteRole
from debatte.core.exceptions import ActionError
from debatte.moderation.audit import record


def roles_of(site: Site, user: User) -> list[str]:
    rows = SiteMembership.objects.filter(site=site, user=user)
    return sorted(rows.values_list("role", flat=True))


def check_keeps_an_admin(site: Site, user: User) -> None:
    """Refuse to take the admin role from the site's last admin (no one could manage it)."""
    admins = SiteMembership.objects.select_for_update().filter(site=site, role=SiteRole.ADMIN)
    if not admins.exclude(user=user).exists():
        raise ActionError(
            _("%(name)s is the site's last admin. Make someone else an admin first.")
            % {"name": user.display_name},
            code="last_admin",
        )


def _set_role(site: Site, user: User, role: str) -> None:
    SiteMembership.objects.filter(site=site, user=user).exclude(role=role).delete()
    SiteMembership.objects.get_or_create(site=site, user=user, role=role)


def add_member(site: Site, *, actor: Any, user: User, role: str) -> None:
    """Give `user` a role on the site; someone already on the staff is refused."""
    with transaction.atomic():
        if SiteMembership.objects.filter(site=site, user=user).exists():
            raise ActionError(
                _("%(name)s is already a member of this site; change the role instead.")
                % {"name": user.display_name},
                code="already_member",
            )
        SiteMembership.objects.create(site=site, user=user, role=role)
        record("site.member_add", actor=actor, user=user, site_id=site.pk, after=role)


def change_member_role(site: Site, *, actor: Any, user: User, role: str) -> bool:
    """Make `role` the member's one role on the site; False when it already was."""
    with transaction.atomic():
        before = roles_of(site, user)
        if not before:
            raise ActionError(_("This user is not a member of this site."), code="not_member")
        if before == [role]:
            return False
        if SiteRole.ADMIN in before and role != SiteRole.ADMIN:
            check_keeps_an_admin(site, user)
        _set_role(site, user, role)
        record(
            "site.member_role_change",
            actor=actor,
            user=user,
            site_id=site.pk,
            before=",".join(before),
            after=role,
        )
    return True


def remove_member(site: Site, *, actor: Any, user: User) -> None:
    """Take every role on the site from `user` (not from the last admin)."""
    with transaction.atomic():
        before = roles_of(site, user)
        if not before:
            raise ActionError(_("This user is not a member of this site."), code="not_member")
        if SiteRole.ADMIN in before:
            check_keeps_an_admin(site, user)
        SiteMembership.objects.filter(site=site, user=user).delete()
        record(
            "site.member_remove", actor=actor, user=user, site_id=site.pk, before=",".join(before)
        )
