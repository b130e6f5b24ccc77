"""EU Digital Services Act duties: notices of illegal content (Art. 16) and appeals (Art. 20)."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from debatte.accounts.models import User
from debatte.core import throttle
from debatte.core.exceptions import ActionError, NotPermitted
from debatte.discussions.events import send_event
from debatte.discussions.models import Comment, CommentStatus, Report, ReportReason
from debatte.discussions.services.moderating import publish_comment, restore_shortened_text
from debatte.moderation.audit import record
from debatte.moderation.models import (
    Appeal,
    AppealStatus,
    Notice,
    NoticeCategory,
    NoticeDecision,
    Reason,
    Restriction,
    RestrictionKind,
    StatementOfReasons,
)
from debatte.moderation.outbox import send_appeal_outcome_mail, send_notice_confirmation
from debatte.moderation.services.decisions import reject_comment
from debatte.moderation.services.permissions import check_can_moderate
from debatte.moderation.services.users import lift_restrictions

RESTRICTION_KINDS = {
    "user.ban": RestrictionKind.BAN,
    "user.suspend": RestrictionKind.SUSPEND,
    "user.premoderate": RestrictionKind.PREMODERATE,
    "user.warn": RestrictionKind.WARN,
}


def submit_illegal_content_notice(
    comment: Comment,
    *,
    explanation: str,
    category: str = NoticeCategory.OTHER,
    reporter: User | None = None,
    name: str = "",
    email: str = "",
    client_address: str | None = None,
) -> Report:
    """Anyone may notify us of illegal content; they get a confirmation (by e-mail if given).

    Limited per client address and per confirmation address (raises throttle.Throttled), so
    the form can neither flood the queue nor mail anyone at will."""
    if len(explanation.strip()) < 10:
        raise ActionError(
            _("Please explain why the content is illegal (at least a sentence)."),
            code="explanation_missing",
        )
    if comment.status != CommentStatus.PUBLISHED:
        raise ActionError(_("This comment cannot be reported."), code="not_published")
    if category not in NoticeCategory.values:
        raise ActionError(_("Please choose what kind of illegal content it is."), code="category")
    address = email.strip() or (reporter.email or "" if reporter else "")
    _throttle_notice(client_address, address)
    try:
        with transaction.atomic():
            report = Report.objects.create(
                comment=comment,
                reporter=reporter,
                reason=ReportReason.ILLEGAL,
                explanation=explanation.strip()[:2000],
                reporter_name=name.strip()[:120],
                reporter_email=email.strip(),
                created_at=timezone.now(),
            )
            Notice.objects.create(
                report=report,
                site_id=comment.article.site_id,
                category=category,
                created_at=report.created_at,
                language=get_language() or "",
            )
            send_event("report.created", comment=comment, user=reporter, report_id=report.pk)
    except IntegrityError:
        raise ActionError(
            _("You have already reported this comment."), code="already_reported"
        ) from None
    if address:
        language = get_language()  # the notifier's, for the mail the worker writes
        transaction.on_commit(lambda: send_notice_confirmation.enqueue(report.pk, language))
    return report


def _throttle_notice(client_address: str | None, address: str) -> None:
    options = getattr(settings, "DEBATTE", {})
    per_address = options.get("DSA_NOTICES_PER_ADDRESS_PER_HOUR", 5)
    per_email = options.get("DSA_NOTICES_PER_EMAIL_PER_HOUR", 3)
    message = _("You have sent too many notices. Please try again later.")
    by_address = throttle.Limit("dsa-notice-ip", per_address, 3600)
    by_email = throttle.Limit("dsa-notice-email", per_email, 3600)
    throttle.check(by_address, client_address, message=message)
    throttle.check(by_email, address.lower(), message=message)


def submit_appeal(statement: StatementOfReasons, *, user: User, text: str) -> Appeal:
    if statement.user_id != user.pk:
        raise NotPermitted(_("You can only appeal decisions about yourself."))
    if not text.strip():
        raise ActionError(_("Please say why the decision is wrong."), code="empty")
    if timezone.now() > statement.appealable_until:
        raise ActionError(_("The time for an appeal is over."), code="too_late")
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                statement=statement, text=text.strip()[:5000], created_at=timezone.now()
            )
            record(
                "appeal.submit",
                actor=user,
                user=user,
                comment=statement.comment,
                reason=text.strip()[:500],
                after="open",
            )
    except IntegrityError:
        raise ActionError(_("You have already appealed this decision."), code="duplicate") from None
    return appeal


def submit_notice_appeal(notice: Notice, *, text: str) -> Appeal:
    """A notifier's appeal against the decision on their notice (DSA Art. 20): reached by the
    signed link in the decision mail, so it needs no account."""
    if not text.strip():
        raise ActionError(_("Please say why the decision is wrong."), code="empty")
    if notice.decided_at is None or not notice.decision:
        raise ActionError(_("This notice has not been decided yet."), code="open")
    if notice.decision == NoticeDecision.REMOVED:
        raise ActionError(_("The comment was removed as you asked."), code="removed")
    if timezone.now() > (notice.appealable_until or notice.decided_at):
        raise ActionError(_("The time for an appeal is over."), code="too_late")
    report = notice.report
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                notice=notice, text=text.strip()[:5000], created_at=timezone.now()
            )
            record(
                "appeal.submit",
                actor=report.reporter,
                comment=report.comment,
                reason=text.strip()[:500],
                after="open",
                details={"notice": notice.pk},
            )
    except IntegrityError:
        raise ActionError(_("You have already appealed this decision."), code="duplicate") from None
    return appeal


def decide_appeal(
    appeal: Appeal, *, moderator: User, reverse: bool, note: str, reason: Reason | None = None
) -> Appeal:
    """Decide an appeal; a different moderator from the one who decided the original case.

    A notifier's appeal granted removes the comment, with `reason` from the site's catalogue
    (its author gets a statement of reasons and may appeal in turn). Whoever appealed is told
    by e-mail."""
    site_id, decided_by_id, comment, user = _appealed_decision(appeal)
    check_can_moderate(moderator, site_id)
    if appeal.status != AppealStatus.OPEN:
        raise ActionError(_("This appeal is decided already."), code="decided")
    if decided_by_id == moderator.pk:
        raise NotPermitted(_("Another moderator must decide this appeal."))
    if not note.strip():
        raise ActionError(_("Please explain the decision to the author."), code="note")
    if reverse and appeal.notice is not None and reason is None:
        raise ActionError(
            _("Please choose the reason for removing the comment."), code="reason_missing"
        )
    with transaction.atomic():
        appeal.status = AppealStatus.REVERSED if reverse else AppealStatus.UPHELD
        appeal.decided_by = moderator
        appeal.decided_at = timezone.now()
        appeal.decision_note = note.strip()
        appeal.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        if reverse and appeal.statement is not None:
            _reverse(appeal.statement, moderator)
        elif reverse and comment is not None and reason is not None:
            _remove_noticed_comment(comment, moderator, reason)
        record(
            "appeal.reverse" if reverse else "appeal.uphold",
            actor=moderator,
            user=user,
            comment=comment,
            reason=note.strip(),
            before="open",
            after=appeal.status,
            details={"notice": appeal.notice_id} if appeal.notice_id else None,
            site_id=site_id,
        )
        transaction.on_commit(lambda: send_appeal_outcome_mail.enqueue(appeal.pk))
    return appeal


def _appealed_decision(
    appeal: Appeal,
) -> tuple[int | None, int | None, Comment | None, User | None]:
    """The site, the deciding moderator, the comment and its author of what was appealed."""
    if appeal.notice is not None:
        notice = appeal.notice
        comment = notice.report.comment
        return notice.site_id, notice.decided_by_id, comment, comment.author
    statement = appeal.statement
    if statement is None:  # the check constraint makes this impossible
        raise ActionError(_("There is no such appeal."), code="missing")
    return statement.site_id, statement.decided_by_id, statement.comment, statement.user


def _remove_noticed_comment(comment: Comment, moderator: User, reason: Reason) -> None:
    """Reverse a decision that kept (or only shortened) a noticed comment: remove it now."""
    if comment.status in (CommentStatus.REJECTED, CommentStatus.DELETED):
        return  # gone meanwhile; nothing left to remove
    reject_comment(comment, moderator=moderator, reason=reason)


def _reverse(statement: StatementOfReasons, moderator: User) -> None:
    user = statement.user
    if statement.decision == "comment.reject" and statement.comment is not None:
        comment = statement.comment
        if comment.status == CommentStatus.REJECTED:
            publish_comment(comment, moderator=moderator)
    elif statement.decision == "comment.shorten" and statement.comment is not None:
        restore_shortened_text(statement.comment)
    elif statement.decision in RESTRICTION_KINDS and user is not None:
        # The restriction on the statement's site (None: all sites), through the same service.
        lift_restrictions(
            user,
            site=statement.site,
            moderator=moderator,
            reason=_("Your appeal was granted."),
            kinds=[RESTRICTION_KINDS[statement.decision]],
            require_open=False,
            # Restrictions from before they were linked to statements: the kind on the site.
            only=list(Restriction.objects.filter(statement=statement).values_list("pk", flat=True))
            or None,
        )
