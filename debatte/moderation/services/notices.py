"""Deciding notices of illegal content (DSA Art. 16(5)): the moderator's decision on the comment
is the decision on every open notice about it; each notifier is told by e-mail."""

from functools import partial

from django.db import transaction
from django.utils import timezone

from debatte.accounts.models import User
from debatte.discussions.models import Comment, Report, ReportReason
from debatte.moderation.audit import record
from debatte.moderation.models import NOTICE_DECISIONS, Notice, StatementOfReasons
from debatte.moderation.outbox import send_notice_decision_mail


def decide_notices(
    comment: Comment,
    *,
    moderator: User,
    verb: str,
    ground: str = "",
    statement: StatementOfReasons | None = None,
) -> int:
    """Record `verb` (comment.reject, comment.shorten, comment.approve) as the decision on the
    comment's open notices; runs inside the decision's transaction. Returns how many."""
    decision = NOTICE_DECISIONS[verb]
    _add_missing_notices(comment)
    notices = list(
        Notice.objects.select_for_update()
        .filter(report__comment=comment, decided_at__isnull=True)
        .only("pk")
    )
    if not notices:
        return 0
    now = timezone.now()
    Notice.objects.filter(pk__in=[n.pk for n in notices]).update(
        decision=decision,
        ground=ground,
        decided_by=moderator,
        decided_at=now,
        statement=statement,
    )
    for notice in notices:
        record(
            "notice.decide",
            actor=moderator,
            comment=comment,
            reason=ground,
            before="open",
            after=decision,
            details={"notice": notice.pk},
        )
        transaction.on_commit(partial(send_notice_decision_mail.enqueue, notice.pk))
    return len(notices)


def _add_missing_notices(comment: Comment) -> None:
    """A reader's plain report with the reason "illegal content" is a notice too (DSA Art. 16):
    it gets its notice row when decided (kind "other"), so its reader hears the decision."""
    reports = Report.objects.filter(
        comment=comment, reason=ReportReason.ILLEGAL, notice__isnull=True
    ).select_related("reporter")
    Notice.objects.bulk_create(
        [
            Notice(
                report=report,
                site_id=comment.article.site_id,
                created_at=report.created_at,
                language=report.reporter.language if report.reporter is not None else "",
            )
            for report in reports
        ]
    )
