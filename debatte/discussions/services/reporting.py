from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from debatte.accounts.models import User
from debatte.core.exceptions import ActionError
from debatte.discussions.events import send_event
from debatte.discussions.models import Comment, CommentStatus, Report, ReportReason
from debatte.discussions.services.access import check_may_act_on_site
from debatte.discussions.services.throttling import check_action_throttle


def report_comment(
    comment: Comment,
    *,
    reporter: User | None,
    reason: str,
    explanation: str = "",
    ip_address: str | None = None,
) -> Report:
    """File a report for the moderators; a reader reports a comment once.

    Raises Throttled when the reader (or their address) reports too often."""
    if reporter is not None:
        check_may_act_on_site(reporter, comment.article.site)
    if reason not in ReportReason.values:
        raise ActionError(_("Please choose a reason."), code="invalid_reason")
    if comment.status != CommentStatus.PUBLISHED:
        raise ActionError(_("This comment cannot be reported."), code="not_published")
    if reporter is not None and comment.author_id == reporter.pk:
        raise ActionError(_("You cannot report your own comment."), code="own_comment")
    if reason == ReportReason.OTHER and not explanation.strip():
        raise ActionError(_("Please explain what is wrong."), code="explanation_missing")
    if reporter is not None:
        check_action_throttle("report", user=reporter, ip_address=ip_address)
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
