"""EU Digital Services Act duties: notices of illegal content (Art. 16) and appeals (Art. 20)."""

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from debatte.accounts.models import User
from debatte.core.exceptions import ActionError, NotPermitted
from debatte.discussions.events import send_event
from debatte.discussions.models import Comment, CommentStatus, Report, ReportReason
from debatte.discussions.services.moderating import publish_comment, restore_shortened_text
from debatte.moderation.audit import record
from debatte.moderation.models import (
    Appeal,
    AppealStatus,
    Restriction,
    RestrictionKind,
    StatementOfReasons,
)
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
    reporter: User | None = None,
    name: str = "",
    email: str = "",
) -> Report:
    """Anyone may notify us of illegal content; they get a confirmation (by e-mail if given)."""
    if len(explanation.strip()) < 10:
        raise ActionError(
            _("Please explain why the content is illegal (at least a sentence)."),
            code="explanation_missing",
        )
    if comment.status != CommentStatus.PUBLISHED:
        raise ActionError(_("This comment cannot be reported."), code="not_published")
    try:
        with transaction.atomic():
            report = Report.objects.create(
                comment=comment,
                reporter=reporter,
                reason=ReportReason.ILLEGAL,
                explanation=explanation.strip()[:2000],
                reporter_name=name.strip()[:120],
                reporter_email=email.strip(),
            )
            send_event("report.created", comment=comment, user=reporter, report_id=report.pk)
    except IntegrityError:
        raise ActionError(
            _("You have already reported this comment."), code="already_reported"
        ) from None
    address = email.strip() or (reporter.email if reporter else "")
    if address:
        transaction.on_commit(lambda: _confirm_notice(report, address))
    return report


def _confirm_notice(report: Report, address: str) -> None:
    send_mail(
        _("Your notice about comment %(label)s") % {"label": report.comment.label},
        _(
            "We received your notice about comment %(label)s under “%(title)s” on "
            "%(date)s. Our moderators will examine it and decide without undue delay."
        )
        % {
            "label": report.comment.label,
            "title": report.comment.article.title,
            "date": timezone.localtime(report.created_at).strftime("%Y-%m-%d %H:%M"),
        },
        None,
        [address],
        fail_silently=True,
    )


def submit_appeal(statement: StatementOfReasons, *, user: User, text: str) -> Appeal:
    if statement.user_id != user.pk:
        raise NotPermitted(_("You can only appeal decisions about yourself."))
    if not text.strip():
        raise ActionError(_("Please say why the decision is wrong."), code="empty")
    if timezone.now() > statement.appealable_until:
        raise ActionError(_("The time for an appeal is over."), code="too_late")
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(statement=statement, text=text.strip()[:5000])
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


def decide_appeal(appeal: Appeal, *, moderator: User, reverse: bool, note: str) -> Appeal:
    """Decide an appeal; a different moderator from the one who decided the original case."""
    statement = appeal.statement
    check_can_moderate(moderator, statement.site_id)
    if appeal.status != AppealStatus.OPEN:
        raise ActionError(_("This appeal is decided already."), code="decided")
    if statement.decided_by_id == moderator.pk:
        raise NotPermitted(_("Another moderator must decide this appeal."))
    if not note.strip():
        raise ActionError(_("Please explain the decision to the author."), code="note")
    with transaction.atomic():
        appeal.status = AppealStatus.REVERSED if reverse else AppealStatus.UPHELD
        appeal.decided_by = moderator
        appeal.decided_at = timezone.now()
        appeal.decision_note = note.strip()
        appeal.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        if reverse:
            _reverse(statement, moderator)
        record(
            "appeal.reverse" if reverse else "appeal.uphold",
            actor=moderator,
            user=statement.user,
            comment=statement.comment,
            reason=note.strip(),
            before="open",
            after=appeal.status,
        )
    return appeal


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
