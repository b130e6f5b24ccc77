"""Restricting readers per site: warn, suspend, ban, always pre-moderate, and lifting it.

Every restriction names its site (the comment's, or `site`; None is all sites, for
administrators only). The moderator must moderate that site, and only administrators restrict
a site's staff.
"""

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from enum import Enum

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from debatte.accounts.models import User
from debatte.articles.models import Site, SiteMembership
from debatte.core.exceptions import ActionError, NotPermitted
from debatte.discussions.events import send_event
from debatte.discussions.models import Comment
from debatte.moderation.audit import record
from debatte.moderation.models import EXCLUSIVE_KINDS, Restriction, RestrictionKind
from debatte.moderation.restrictions import restriction_status
from debatte.moderation.services.permissions import check_can_moderate
from debatte.moderation.services.statements import issue_statement


class _Unset(Enum):
    UNSET = "unset"


UNSET = _Unset.UNSET
SiteChoice = Site | None | _Unset  # a site, None for all sites, UNSET: the comment's


def _scope(moderator: User, user: User, site: SiteChoice, comment: Comment | None) -> int | None:
    """The site the decision applies to, once the moderator may take it there."""
    if comment is not None:
        # The comment is the occasion; `site` None widens the decision to all sites.
        site_id = None if site is None else comment.article.site_id
        if isinstance(site, Site) and site.pk != site_id:
            raise ActionError(_("This comment is not on that site."), code="wrong_site")
    elif site is UNSET:
        raise ActionError(_("Please choose the site this applies to."), code="site")
    else:
        site_id = site.pk if site else None
    if user.pk == moderator.pk:
        raise ActionError(_("You cannot restrict your own account."), code="self")
    if moderator.is_superuser:
        return site_id
    if user.is_superuser:
        raise NotPermitted(_("Administrators can only be restricted by administrators."))
    if site_id is None:
        raise NotPermitted(_("Only administrators can restrict a reader on all sites."))
    check_can_moderate(moderator, site_id)
    if SiteMembership.objects.filter(user=user, site_id=site_id).exists():
        raise NotPermitted(_("Only administrators can restrict this site's staff."))
    return site_id


def _exactly(site_id: int | None) -> Q:
    """This site's own restrictions (None: the all-sites ones), not those that also bind."""
    return Q(site__isnull=True) if site_id is None else Q(site_id=site_id)


def _state(user: User, site_id: int | None) -> str:
    return restriction_status(user, site_id).label


def _restrict(
    kind: RestrictionKind,
    *,
    user: User,
    moderator: User,
    site_id: int | None,
    reason: str,
    until: datetime | None = None,
) -> Restriction:
    """The new restriction; an open one of the same kind on the same site is replaced."""
    now = timezone.now()
    if kind in EXCLUSIVE_KINDS:
        Restriction.objects.filter(
            _exactly(site_id), user=user, kind=kind, lifted_at__isnull=True
        ).update(lifted_at=now, lifted_by=moderator, lift_reason="replaced")
    restriction = Restriction.objects.create(
        user=user,
        site_id=site_id,
        kind=kind,
        until=until,
        reason=reason,
        created_at=now,
        created_by=moderator,
    )
    if kind != RestrictionKind.WARN and not user.has_restrictions:
        User.objects.filter(pk=user.pk).update(has_restrictions=True)
        user.has_restrictions = True
    return restriction


def _log_restriction(
    verb: str,
    restriction: Restriction,
    *,
    user: User,
    moderator: User,
    comment: Comment | None,
    site_id: int | None,
    reason: str,
    before: str,
    text: Callable[[], str],
    details: dict[str, object] | None = None,
) -> None:
    """The audit entry and the statement of reasons that every restriction writes."""
    record(
        verb,
        actor=moderator,
        user=user,
        comment=comment,
        reason=reason,
        before=before,
        after=_state(user, site_id),
        details=details,
        site_id=site_id,
    )
    statement = issue_statement(
        user=user,
        decision=verb,
        decision_text=text,
        ground=reason,
        moderator=moderator,
        comment=comment,
        site_id=site_id,
    )
    Restriction.objects.filter(pk=restriction.pk).update(statement=statement)


def warn_user(
    user: User,
    *,
    moderator: User,
    reason: str,
    comment: Comment | None = None,
    site: SiteChoice = UNSET,
) -> User:
    site_id = _scope(moderator, user, site, comment)
    with transaction.atomic():
        before = _state(user, site_id)
        restriction = _restrict(
            RestrictionKind.WARN, user=user, moderator=moderator, site_id=site_id, reason=reason
        )
        User.objects.filter(pk=user.pk).update(warning_count=user.warning_count + 1)
        user.warning_count += 1
        _log_restriction(
            "user.warn",
            restriction,
            user=user,
            moderator=moderator,
            comment=comment,
            site_id=site_id,
            reason=reason,
            before=before,
            text=lambda: _("You were warned."),
        )
    return user


def suspend_user(
    user: User,
    *,
    moderator: User,
    days: int,
    reason: str,
    comment: Comment | None = None,
    site: SiteChoice = UNSET,
) -> User:
    if not 1 <= days <= 365:
        raise ActionError(_("Suspend for 1 to 365 days."), code="days")
    site_id = _scope(moderator, user, site, comment)
    with transaction.atomic():
        before = _state(user, site_id)
        ends = timezone.now() + timedelta(days=days)
        restriction = _restrict(
            RestrictionKind.SUSPEND,
            user=user,
            moderator=moderator,
            site_id=site_id,
            reason=reason,
            until=ends,
        )
        send_event("user.suspended", user=user, comment=comment, days=days, site_id=site_id)
        until = formats.date_format(timezone.localtime(ends), "DATETIME_FORMAT")
        _log_restriction(
            "user.suspend",
            restriction,
            user=user,
            moderator=moderator,
            comment=comment,
            site_id=site_id,
            reason=reason,
            before=before,
            text=lambda: _("You cannot comment until %(until)s.") % {"until": until},
            details={"days": days},
        )
    return user


def ban_user(
    user: User,
    *,
    moderator: User,
    reason: str,
    comment: Comment | None = None,
    site: SiteChoice = UNSET,
) -> User:
    site_id = _scope(moderator, user, site, comment)
    with transaction.atomic():
        before = _state(user, site_id)
        restriction = _restrict(
            RestrictionKind.BAN, user=user, moderator=moderator, site_id=site_id, reason=reason
        )
        send_event("user.banned", user=user, comment=comment, site_id=site_id)
        _log_restriction(
            "user.ban",
            restriction,
            user=user,
            moderator=moderator,
            comment=comment,
            site_id=site_id,
            reason=reason,
            before=before,
            text=lambda: _("Your account can no longer write comments."),
        )
    return user


def set_premoderation(
    user: User,
    *,
    moderator: User,
    enabled: bool = True,
    reason: str = "",
    comment: Comment | None = None,
    site: SiteChoice = UNSET,
) -> User:
    """Hold every comment of this reader on the site for a moderator (or stop doing so)."""
    if not enabled:
        scope = comment.article.site if comment is not None and site is UNSET else site
        lift_restrictions(
            user,
            site=scope,
            moderator=moderator,
            reason=reason or _("Pre-moderation ended."),
            kinds=[RestrictionKind.PREMODERATE],
            require_open=False,
        )
        return user
    site_id = _scope(moderator, user, site, comment)
    with transaction.atomic():
        before = _state(user, site_id)
        restriction = _restrict(
            RestrictionKind.PREMODERATE,
            user=user,
            moderator=moderator,
            site_id=site_id,
            reason=reason,
        )
        _log_restriction(
            "user.premoderate",
            restriction,
            user=user,
            moderator=moderator,
            comment=comment,
            site_id=site_id,
            reason=reason,
            before=before,
            text=lambda: _("Your comments are checked by a moderator before they appear."),
        )
    return user


def lift_restrictions(
    user: User,
    *,
    site: SiteChoice,
    moderator: User,
    reason: str,
    kinds: Sequence[str] | None = None,
    require_open: bool = True,
    only: Sequence[int] | None = None,
) -> int:
    """Lift the reader's open restrictions on exactly this site (of `kinds`, else all; `only`
    these ids).

    Audited, and the reader is told by e-mail. Returns how many were lifted.
    """
    if not reason.strip():
        raise ActionError(_("Please say why the restriction is lifted."), code="reason")
    site_id = _scope(moderator, user, site, None)
    kinds = list(kinds or RestrictionKind.values)
    with transaction.atomic():
        before = _state(user, site_id)
        rows = Restriction.objects.filter(
            _exactly(site_id), user=user, kind__in=kinds, lifted_at__isnull=True
        )
        if only is not None:
            rows = rows.filter(pk__in=only)
        lifted = list(rows.select_for_update().values_list("kind", flat=True))
        if not lifted:
            if require_open:
                raise ActionError(
                    _("This reader has no such restriction on this site."), code="nothing_to_lift"
                )
            return 0
        rows.update(lifted_at=timezone.now(), lifted_by=moderator, lift_reason=reason.strip())
        warnings = lifted.count(RestrictionKind.WARN)
        user.warning_count = max(0, user.warning_count - warnings)
        user.has_restrictions = (
            Restriction.objects.filter(user=user, lifted_at__isnull=True)
            .exclude(kind=RestrictionKind.WARN)
            .exists()
        )
        User.objects.filter(pk=user.pk).update(
            warning_count=user.warning_count, has_restrictions=user.has_restrictions
        )
        record(
            "user.unrestrict",
            actor=moderator,
            user=user,
            reason=reason.strip(),
            before=before,
            after=_state(user, site_id),
            details={"kinds": sorted(set(lifted))},
            site_id=site_id,
        )
        _tell_lifted(user, site_id, sorted(set(lifted)), reason.strip())
    return len(lifted)


def _tell_lifted(user: User, site_id: int | None, kinds: list[str], reason: str) -> None:
    """A plain mail after commit: lifting is no decision against the reader, so no statement."""
    if not user.email or not user.is_active:
        return
    site = Site.objects.filter(pk=site_id).first() if site_id else None
    with translation.override(user.language or settings.LANGUAGE_CODE):
        where = site.name if site else _("all sites")
        what = ", ".join(str(RestrictionKind(kind).label) for kind in kinds)
        subject = _("A restriction of your account was lifted")
        body = _(
            "Hello %(name)s,\n\nthe moderators lifted this restriction of your account on "
            "%(where)s: %(what)s.\n\nReason: %(reason)s\n"
        ) % {"name": user.display_name, "where": where, "what": what, "reason": reason}
    address = user.email
    transaction.on_commit(lambda: send_mail(subject, body, None, [address], fail_silently=True))
