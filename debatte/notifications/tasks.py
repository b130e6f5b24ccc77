"""Background tasks of the notifications app (django-tasks; `debatte worker` runs them).

Tasks take ids, not objects, and look again when they run: a reader who unsubscribed or left
in the meantime gets nothing.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import default_task_backend, task

from debatte.accounts.models import User
from debatte.core.sqlite_stats import optimize
from debatte.discussions.models import Comment, CommentStatus, Report, ReportReason
from debatte.discussions.services.retention import purge_ip_addresses
from debatte.moderation.models import Appeal, AppealStatus, Notice, StatementOfReasons
from debatte.notifications import emails
from debatte.notifications.idempotency import send_once

logger = logging.getLogger(__name__)

PURGE_EVERY = timedelta(days=1)


def _reachable(user: User | None, opted_in_field: str | None = None) -> bool:
    if user is None or not user.email or not user.is_active:
        return False
    return opted_in_field is None or bool(getattr(user, opted_in_field))


@task()
def send_reply_mail(comment_id: int) -> bool:
    """Mail the author of the comment that `comment_id` answers; True when a mail went out."""
    reply = (
        Comment.objects.select_related("article", "author", "parent__author")
        .filter(pk=comment_id, status=CommentStatus.PUBLISHED, parent__isnull=False)
        .first()
    )
    if reply is None or reply.parent is None:
        return False
    recipient = reply.parent.author
    if recipient is None or recipient.pk == reply.author_id:
        return False
    if not _reachable(recipient, "notify_replies"):
        return False
    return send_once(f"reply:{reply.pk}:{recipient.pk}", emails.reply_mail(reply, recipient))


@task()
def send_editor_pick_mail(comment_id: int) -> bool:
    """Mail an author that their comment became a Redaktionsempfehlung."""
    comment = (
        Comment.objects.select_related("article", "author")
        .filter(pk=comment_id, is_editor_pick=True, status=CommentStatus.PUBLISHED)
        .first()
    )
    author = comment.author if comment is not None else None
    if comment is None or author is None or not _reachable(author, "notify_editor_pick"):
        return False
    return send_once(
        f"editor-pick:{comment.pk}:{author.pk}", emails.editor_pick_mail(comment, author)
    )


@task()
def send_statement_mail(statement_id: int) -> bool:
    """Mail a statement of reasons to the reader it concerns (no opt-in: a legal notice)."""
    statement = StatementOfReasons.objects.select_related("user").filter(pk=statement_id).first()
    if statement is None or not _reachable(statement.user):
        return False
    key = f"statement:{statement.pk}:{statement.user_id}"
    return send_once(key, emails.statement_mail(statement))


@task()
def send_notice_confirmation(report_id: int, language: str = "") -> bool:
    """Confirm a notice of illegal content (DSA Art. 16) to its sender, in their language.

    The address is read from the stored notice, so the task queue holds none."""
    report = (
        Report.objects.select_related("comment__article", "reporter")
        .filter(pk=report_id, reason=ReportReason.ILLEGAL)
        .first()
    )
    if report is None:
        return False
    address = report.reporter_email or (report.reporter.email if report.reporter else "")
    if not address:
        return False
    comment = report.comment
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = _("Your notice about comment %(label)s") % {"label": comment.label}
        body = _(
            "We received your notice about comment %(label)s under “%(title)s” on "
            "%(date)s. Our moderators will examine it and decide without undue delay."
        ) % {
            "label": comment.label,
            "title": comment.article.title,
            "date": timezone.localtime(report.created_at).strftime("%Y-%m-%d %H:%M"),
        }
    return send_once(
        f"notice-confirmation:{report.pk}", EmailMessage(subject, body, None, [address])
    )


def _notifier(report: Report) -> tuple[str, str]:
    """Where a notifier is reached, and in which language (an account's when they had one)."""
    reporter = report.reporter
    address = report.reporter_email or (reporter.email if reporter is not None else "") or ""
    language = reporter.language if reporter is not None and reporter.language else ""
    return str(address), language


@task()
def send_notice_decision_mail(notice_id: int) -> bool:
    """Tell a notifier what was decided on their notice (DSA Art. 16(5)), in their language."""
    notice = (
        Notice.objects.select_related("report__comment__article", "report__reporter")
        .filter(pk=notice_id, decided_at__isnull=False)
        .exclude(decision="")
        .first()
    )
    if notice is None:
        return False
    address, language = _notifier(notice.report)
    if not address:
        return False
    message = emails.notice_decision_mail(notice, address, notice.language or language)
    return send_once(f"notice-decision:{notice.pk}", message)


@task()
def send_appeal_outcome_mail(appeal_id: int) -> bool:
    """Tell whoever appealed (the author or the notifier) how their appeal was decided."""
    appeal = (
        Appeal.objects.select_related(
            "statement__user",
            "statement__comment__article",
            "notice__report__comment__article",
            "notice__report__reporter",
        )
        .filter(pk=appeal_id, status__in=[AppealStatus.UPHELD, AppealStatus.REVERSED])
        .first()
    )
    if appeal is None:
        return False
    if appeal.notice is not None:
        address, language = _notifier(appeal.notice.report)
        language = appeal.notice.language or language
    else:
        user = appeal.statement.user if appeal.statement is not None else None
        if user is None or not _reachable(user):
            return False
        address, language = str(user.email), emails.language_of(user)
    if not address:
        return False
    message = emails.appeal_outcome_mail(appeal, address, language)
    return send_once(f"appeal-outcome:{appeal.pk}", message)


@task()
def purge_daily() -> int:
    """Run `debatte purge` and queue the next run for tomorrow; returns the IPs removed."""
    removed = purge_ip_addresses()
    logger.info("purge: removed %d IP addresses", removed)
    schedule_daily_purge(after=timezone.now() + PURGE_EVERY)
    return removed


def schedule_daily_purge(*, after: datetime | None = None) -> bool:
    """Queue `purge_daily` unless a run is already waiting; False when nothing was queued.

    Backends that cannot run a task later (the immediate one of the tests) get no next run.
    """
    if not default_task_backend.supports_defer:
        return False
    if _purge_waiting():
        return False
    purge_daily.using(run_after=after or timezone.now()).enqueue()
    return True


def _purge_waiting() -> bool:
    backend = str(settings.TASKS.get("default", {}).get("BACKEND", ""))
    if not backend.startswith("django_tasks_db"):
        return False
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=purge_daily.module_path, status=TaskResultStatus.READY
    ).exists()


AUTO_CLOSE_EVERY = timedelta(minutes=10)


@task()
def auto_close_discussions() -> int:
    """Close discussions past their site's auto-close age and queue the next run.

    Posting is refused by the date anyway (`Article.closed_reason`); this run stores the
    status, bumps the version and writes the audit entry. Closing is idempotent, so two
    workers running it at once close (and log) each discussion once.
    """
    from debatte.moderation.services.discussions import close_expired_discussions

    closed = close_expired_discussions()
    if closed:
        logger.info("auto-close: closed %d discussions", closed)
    # The worker's periodic upkeep: on SQLite, fresh planner statistics for the tables that
    # grew 25-fold (an import, say) within ten minutes (core/sqlite_stats.py; a few ms).
    analyzed = optimize(connection, thorough=True)
    if analyzed:
        logger.info("sqlite statistics: analyzed %s", ", ".join(analyzed))
    schedule_auto_close(after=timezone.now() + AUTO_CLOSE_EVERY)
    return closed


def schedule_auto_close(*, after: datetime | None = None) -> bool:
    """Queue `auto_close_discussions` unless a run is already waiting (as the daily purge)."""
    if not default_task_backend.supports_defer:
        return False
    if _waiting(auto_close_discussions.module_path):
        return False
    auto_close_discussions.using(run_after=after or timezone.now()).enqueue()
    return True


def _waiting(task_path: str) -> bool:
    backend = str(settings.TASKS.get("default", {}).get("BACKEND", ""))
    if not backend.startswith("django_tasks_db"):
        return False
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=task_path, status=TaskResultStatus.READY).exists()
