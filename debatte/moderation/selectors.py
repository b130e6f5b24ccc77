"""Queues for moderators: bounded pages, a constant number of queries each."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

from django.db.models import Count, F, Max, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from debatte.accounts.models import User
from debatte.articles.models import Site
from debatte.discussions.models import Comment, CommentStatus, Report
from debatte.moderation.models import Appeal, AppealStatus, AuditEntry
from debatte.moderation.restrictions import UNRESTRICTED, RestrictionStatus, restriction_statuses
from debatte.moderation.services.permissions import sites_moderated_by


class Queue(StrEnum):
    PENDING = "pending"
    REPORTED = "reported"
    FLAGGED = "flagged"
    APPEALS = "appeals"
    DECIDED = "decided"


class QueueOrder(StrEnum):
    RISK = "risk"
    AGE = "age"


@dataclass
class AuthorHistory:
    comments: int = 0
    removed: int = 0
    account_age: timedelta | None = None


@dataclass
class QueueItem:
    comment: Comment
    history: AuthorHistory
    report_reasons: list[str] = field(default_factory=list)
    claimed_by_other: bool = False
    author_status: RestrictionStatus = UNRESTRICTED  # on the comment's site


@dataclass
class QueueFilter:
    site_id: int | None = None
    section_id: int | None = None
    article_id: int | None = None
    reason: str = ""  # a flag code ("links") or report reason ("insult")


def _scoped(moderator: User, rows: QuerySet[Comment], scope: QueueFilter) -> QuerySet[Comment]:
    rows = rows.filter(article__site__in=sites_moderated_by(moderator))
    if scope.site_id:
        rows = rows.filter(article__site_id=scope.site_id)
    if scope.section_id:
        rows = rows.filter(article__section_id=scope.section_id)
    if scope.article_id:
        rows = rows.filter(article_id=scope.article_id)
    return rows


def _queue_rows(queue: Queue) -> QuerySet[Comment]:
    comments = Comment.objects.all()
    if queue == Queue.PENDING:
        return comments.filter(status=CommentStatus.PENDING)
    if queue == Queue.REPORTED:
        # reports__isnull=False keeps the join an INNER one: without it, "resolved_at IS NULL"
        # over a LEFT JOIN also matches every published comment that has no report at all.
        return comments.filter(
            status=CommentStatus.PUBLISHED,
            reports__isnull=False,
            reports__resolved_at__isnull=True,
        ).distinct()
    if queue == Queue.FLAGGED:
        return comments.filter(
            status__in=(CommentStatus.PUBLISHED, CommentStatus.PENDING),
            moderated_at__isnull=True,
            risk_score__gte=F("article__site__risk_threshold"),
        )
    return comments.filter(moderated_at__isnull=False)


def list_queue(
    moderator: User,
    *,
    queue: Queue,
    scope: QueueFilter | None = None,
    order: QueueOrder = QueueOrder.RISK,
    limit: int = 50,
) -> list[QueueItem]:
    """One page of a comment queue with each item's context and its author's history."""
    scope = scope or QueueFilter()
    rows = _scoped(moderator, _queue_rows(queue), scope)
    if scope.reason:
        rows = rows.filter(
            Q(flag_codes__contains=scope.reason)
            | Q(reports__reason=scope.reason, reports__resolved_at__isnull=True)
        ).distinct()
    rows = rows.annotate(
        open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True), distinct=True)
    ).select_related("article", "article__site", "parent", "author", "claimed_by")
    if queue == Queue.DECIDED:
        rows = rows.order_by("-moderated_at", "-pk")
    elif order == QueueOrder.RISK:
        rows = rows.order_by(
            Coalesce("risk_score", 0.0).desc(), F("open_reports").desc(), "created_at", "pk"
        )
    else:
        rows = rows.order_by("created_at", "pk")
    comments = list(rows[:limit])
    return _with_context(comments, moderator)


def _with_context(comments: Sequence[Comment], moderator: User) -> list[QueueItem]:
    author_ids = {c.author_id for c in comments if c.author_id}
    histories = {
        row["author_id"]: AuthorHistory(comments=row["total"], removed=row["removed"])
        for row in Comment.objects.filter(author_id__in=author_ids)
        .values("author_id")
        .annotate(total=Count("pk"), removed=Count("pk", filter=Q(status=CommentStatus.REJECTED)))
    }
    reasons: dict[int, list[str]] = {}
    for comment_id, reason in Report.objects.filter(
        comment_id__in=[c.pk for c in comments], resolved_at__isnull=True
    ).values_list("comment_id", "reason"):
        reasons.setdefault(comment_id, []).append(reason)
    now = timezone.now()
    # Restrictions on each item's site: a query only when some author was ever restricted.
    statuses = restriction_statuses(
        {
            (c.author.pk, c.article.site_id)
            for c in comments
            if c.author is not None and c.author.has_restrictions
        },
        now=now,
    )
    items = []
    for comment in comments:
        history = histories.get(comment.author_id or 0, AuthorHistory())
        if comment.author is not None:
            history.account_age = now - comment.author.date_joined
        claimed = (
            comment.claimed_by_id not in (None, moderator.pk)
            and comment.claimed_until is not None
            and comment.claimed_until > now
        )
        status = statuses.get((comment.author_id or 0, comment.article.site_id), UNRESTRICTED)
        items.append(QueueItem(comment, history, reasons.get(comment.pk, []), claimed, status))
    return items


def count_queues(moderator: User, scope: QueueFilter | None = None) -> dict[str, int]:
    """How many items wait in each queue (the tabs of the queue page)."""
    scope = scope or QueueFilter()
    counts = {
        queue.value: _scoped(moderator, _queue_rows(queue), scope).count()
        for queue in (Queue.PENDING, Queue.REPORTED, Queue.FLAGGED)
    }
    counts[Queue.APPEALS.value] = list_open_appeals(moderator).count()
    return counts


def list_open_appeals(moderator: User) -> QuerySet[Appeal]:
    rows = Appeal.objects.filter(status=AppealStatus.OPEN)
    if not moderator.is_superuser:
        # Appeals against account-wide restrictions (no site) go to administrators.
        rows = rows.filter(statement__site__in=sites_moderated_by(moderator))
    return (
        rows.exclude(statement__decided_by=moderator)
        .select_related(
            "statement",
            "statement__user",
            "statement__comment",
            "statement__comment__article",
            "statement__decided_by",
        )
        .order_by("created_at")
    )


def list_audit_entries(
    moderator: User,
    *,
    verb: str = "",
    actor: str = "",
    subject: str = "",
    site: Site | None = None,
    limit: int = 100,
    before_id: int | None = None,
) -> list[AuditEntry]:
    rows = AuditEntry.objects.filter(
        Q(site__in=sites_moderated_by(moderator)) | Q(site__isnull=True)
    )
    if not moderator.is_superuser:
        rows = rows.filter(site__isnull=False)
    if site is not None:
        rows = rows.filter(site=site)
    if verb:
        rows = rows.filter(verb__startswith=verb)
    if actor:
        rows = rows.filter(actor_name__icontains=actor)
    if subject:
        rows = rows.filter(subject__icontains=subject)
    if before_id:
        rows = rows.filter(pk__lt=before_id)
    return list(rows.order_by("-pk")[:limit])


def latest_decision_time(moderator: User) -> object:
    return AuditEntry.objects.filter(actor=moderator).aggregate(latest=Max("created_at"))["latest"]
