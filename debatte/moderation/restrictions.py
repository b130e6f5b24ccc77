"""Which restrictions hold for a reader on a site: that site's own and the all-sites ones."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from debatte.accounts.models import User
from debatte.moderation.models import Restriction, RestrictionKind


@dataclass(frozen=True)
class RestrictionStatus:
    banned: bool = False
    suspended_until: datetime | None = None
    premoderated: bool = False

    @property
    def label(self) -> str:
        """The audit log's before/after wording."""
        if self.banned:
            return "banned"
        if self.suspended_until is not None:
            return f"suspended until {self.suspended_until:%Y-%m-%d %H:%M}"
        return "premoderated" if self.premoderated else "active"


UNRESTRICTED = RestrictionStatus()


def in_force(now: datetime | None = None) -> Q:
    """Open restrictions that still bind (warnings never do)."""
    return (
        Q(lifted_at__isnull=True)
        & ~Q(kind=RestrictionKind.WARN)
        & (Q(until__isnull=True) | Q(until__gt=now or timezone.now()))
    )


def applying_to(site_id: int | None) -> Q:
    """Restrictions on this site and on all sites (site_id None: only the all-sites ones)."""
    if site_id is None:
        return Q(site__isnull=True)
    return Q(site__isnull=True) | Q(site_id=site_id)


def fold(rows: Iterable[tuple[str, datetime | None]]) -> RestrictionStatus:
    banned, premoderated, until = False, False, None
    for kind, ends in rows:
        if kind == RestrictionKind.BAN:
            banned = True
        elif kind == RestrictionKind.PREMODERATE:
            premoderated = True
        elif kind == RestrictionKind.SUSPEND and ends is not None:
            until = max(until, ends) if until else ends
    return RestrictionStatus(banned=banned, suspended_until=until, premoderated=premoderated)


def restriction_status(
    user: User, site_id: int | None, *, now: datetime | None = None
) -> RestrictionStatus:
    """What binds `user` on the site; no query for readers who were never restricted."""
    if not user.has_restrictions:
        return UNRESTRICTED
    rows = Restriction.objects.filter(in_force(now), applying_to(site_id), user=user)
    return fold(rows.values_list("kind", "until"))


def restriction_statuses(
    pairs: set[tuple[int, int | None]], *, now: datetime | None = None
) -> dict[tuple[int, int | None], RestrictionStatus]:
    """The status of each (user id, site id) in one query (a moderators' queue page)."""
    if not pairs:
        return {}
    rows: dict[int, list[tuple[int | None, str, datetime | None]]] = {}
    for user_id, site_id, kind, until in Restriction.objects.filter(
        in_force(now), user_id__in={user_id for user_id, _site in pairs}
    ).values_list("user_id", "site_id", "kind", "until"):
        rows.setdefault(user_id, []).append((site_id, kind, until))
    return {
        (user_id, site_id): fold(
            (kind, until)
            for where, kind, until in rows.get(user_id, [])
            if where is None or where == site_id
        )
        for user_id, site_id in pairs
    }


def open_restrictions(user: User) -> list[Restriction]:
    """The reader's restrictions that are not lifted (expired suspensions left out)."""
    if not user.has_restrictions and not user.warning_count:
        return []
    return list(
        Restriction.objects.filter(user=user, lifted_at__isnull=True)
        .exclude(kind=RestrictionKind.SUSPEND, until__lte=timezone.now())
        .select_related("site", "created_by")
        .order_by("site_id", "kind", "-created_at")
    )
