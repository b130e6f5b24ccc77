from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from debatte.accounts.models import User
from debatte.core.exceptions import ActionError, NotPermitted
from debatte.discussions.events import send_event
from debatte.discussions.models import Comment
from debatte.moderation.audit import record
from debatte.moderation.services.permissions import check_can_moderate, sites_moderated_by
from debatte.moderation.services.statements import issue_statement


def _check(moderator: User, user: User, comment: Comment | None) -> int | None:
    if user.pk == moderator.pk:
        raise ActionError(_("You cannot restrict your own account."), code="self")
    if user.is_superuser and not moderator.is_superuser:
        raise NotPermitted(_("Administrators can only be restricted by administrators."))
    if comment is not None:
        check_can_moderate(moderator, comment.article.site_id)
        return comment.article.site_id
    if not sites_moderated_by(moderator).exists():
        raise NotPermitted(_("You are not a moderator of this site."))
    return None


def _state(user: User) -> str:
    if user.banned_at:
        return "banned"
    if user.is_suspended():
        return f"suspended until {user.suspended_until:%Y-%m-%d %H:%M}"
    return "premoderated" if user.always_premoderate else "active"


def _log_restriction(
    verb: str,
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
        after=_state(user),
        details=details,
    )
    issue_statement(
        user=user,
        decision=verb,
        decision_text=text,
        ground=reason,
        moderator=moderator,
        comment=comment,
        site_id=site_id,
    )


def warn_user(user: User, *, moderator: User, reason: str, comment: Comment | None = None) -> User:
    site_id = _check(moderator, user, comment)
    with transaction.atomic():
        before = _state(user)
        User.objects.filter(pk=user.pk).update(warning_count=user.warning_count + 1)
        user.warning_count += 1
        _log_restriction(
            "user.warn",
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
    user: User, *, moderator: User, days: int, reason: str, comment: Comment | None = None
) -> User:
    if not 1 <= days <= 365:
        raise ActionError(_("Suspend for 1 to 365 days."), code="days")
    site_id = _check(moderator, user, comment)
    with transaction.atomic():
        before = _state(user)
        user.suspended_until = timezone.now() + timedelta(days=days)
        user.save(update_fields=["suspended_until"])
        send_event("user.suspended", user=user, comment=comment, days=days, site_id=site_id)
        until = formats.date_format(timezone.localtime(user.suspended_until), "DATETIME_FORMAT")
        _log_restriction(
            "user.suspend",
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


def ban_user(user: User, *, moderator: User, reason: str, comment: Comment | None = None) -> User:
    site_id = _check(moderator, user, comment)
    with transaction.atomic():
        before = _state(user)
        user.banned_at = timezone.now()
        user.save(update_fields=["banned_at"])
        send_event("user.banned", user=user, comment=comment, site_id=site_id)
        _log_restriction(
            "user.ban",
            user=user,
            moderator=moderator,
            comment=comment,
            site_id=site_id,
            reason=reason,
            before=before,
            text=lambda: _("Your account can no longer write comments."),
        )
    return user


def lift_restrictions(user: User, *, moderator: User, reason: str = "") -> User:
    _check(moderator, user, None)
    with transaction.atomic():
        before = _state(user)
        user.banned_at = None
        user.suspended_until = None
        user.always_premoderate = False
        user.save(update_fields=["banned_at", "suspended_until", "always_premoderate"])
        record(
            "user.unrestrict",
            actor=moderator,
            user=user,
            reason=reason,
            before=before,
            after="active",
        )
    return user


def set_premoderation(
    user: User,
    *,
    moderator: User,
    enabled: bool = True,
    reason: str = "",
    comment: Comment | None = None,
) -> User:
    """Hold every comment of this reader for a moderator (or stop doing so)."""
    site_id = _check(moderator, user, comment)
    with transaction.atomic():
        before = _state(user)
        user.always_premoderate = enabled
        user.save(update_fields=["always_premoderate"])
        if enabled:
            _log_restriction(
                "user.premoderate",
                user=user,
                moderator=moderator,
                comment=comment,
                site_id=site_id,
                reason=reason,
                before=before,
                text=lambda: _("Your comments are checked by a moderator before they appear."),
            )
        else:
            record(
                "user.unpremoderate",
                actor=moderator,
                user=user,
                comment=comment,
                reason=reason,
                before=before,
                after=_state(user),
            )
    return user
