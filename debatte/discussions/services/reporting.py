from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from debatte.accounts.models import User
from debatte.core.exceptions import ActionError
from debatte.discussions.events import send_event
from debatte.discussions.models import Comment, CommentStatus, Report, ReportReason


def report_comment(
    comment: Comment, *, reporter: User | None, reason: str, explanation: str = ""
) -> Report:
    """File a report for the moderators; a reader reports a comment once."""
    if reason not in ReportReason.values:
        raise ActionError(_("Please choose a reason."), code="invalid_reason")
    if comment.status != CommentStatus.PUBLISHED:
        raise ActionError(_("This comment cannot be reported."), code="not_published")
    if reporter is not None and comment.author_id == reporter.pk:
        raise ActionError(_("You cannot report your own comment."), code="own_comment")
    if reason == ReportReason.OTHER and not explanation.strip():
        raise ActionError(_("Please explain what is wrong."), code="explanation_missing")
    try:
        with transaction.atomic():
            report = Report.objects.create(
                comment=comment,
                reporter=reporter,
                reason=reason,
                explanation=explanation.strip()[:2000],
            )
            send_event("report.created", comment=comment, user=reporter, report_id=report.pk)
            return report
    except IntegrityError:
        raise ActionError(
            _("You have already reported this comment."), code="already_reported"
        ) from None
