"""The moderation dashboard's figures, each computed with a fixed number of queries.

Every selector takes the ids of the sites shown and the moment "now", aggregates in the database
(no rows are loaded per comment or per decision) and fills gaps (hours or days without activity)
in Python, so a chart always has all its bars.

Sources:

- comments per hour and the hottest discussions: the comments themselves (`created_at`);
- held/approved/rejected per day and decisions per moderator: the audit log, whose entries keep
  the actor's name and the site even after accounts or comments are gone;
- time to decision: audit entries of moderators' decisions joined to the comment decided.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Q, QuerySet, Window
from django.db.models.functions import RowNumber, TruncDate, TruncHour
from django.utils import timezone

from debatte.discussions.models import Comment, CommentStatus
from debatte.moderation.audit import SYSTEM
from debatte.moderation.models import AuditEntry

HOURS = 48
DAYS = 14
DECISION_DAYS = 7
HOT_HOURS = 3
HOT_LIMIT = 10

HOLD = "comment.hold"
APPROVE = "comment.approve"
REJECT = "comment.reject"
SHORTEN = "comment.shorten"
# A moderator's decision about a comment; featuring or warning is not counted as one.
DECISION_VERBS = (APPROVE, REJECT, SHORTEN)

# Every status: filtering on all of them lets the database use the (status, created_at) index
# for a time range over all comments instead of scanning the table.
ALL_STATUSES = tuple(CommentStatus.values)


@dataclass(frozen=True)
class HourCount:
    hour: datetime  # start of the hour, aware (UTC)
    comments: int


@dataclass(frozen=True)
class DayDecisions:
    day: date  # in the current time zone
    held: int
    approved: int
    rejected: int


@dataclass(frozen=True)
class TimeToDecision:
    median: timedelta | None  # None when nothing was decided
    decisions: int


@dataclass(frozen=True)
class ModeratorDecisions:
    name: str
    approved: int
    rejected: int
    shortened: int

    @property
    def total(self) -> int:
        return self.approved + self.rejected + self.shortened


@dataclass(frozen=True)
class HotDiscussion:
    article_id: int
    key: str
    title: str
    site_name: str
    comments: int
    held: int
    last_comment_at: datetime


@dataclass(frozen=True)
class Dashboard:
    now: datetime
    comments_per_hour: list[HourCount]
    decisions_per_day: list[DayDecisions]
    time_to_decision: TimeToDecision
    moderators: list[ModeratorDecisions]
    hottest: list[HotDiscussion]
    totals: dict[str, int] = field(default_factory=dict)


def _comments(site_ids: Sequence[int], since: datetime) -> QuerySet[Comment]:
    return Comment.objects.filter(
        article__site_id__in=list(site_ids), status__in=ALL_STATUSES, created_at__gte=since
    )


def _audit(site_ids: Sequence[int], since: datetime) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(site_id__in=list(site_ids), created_at__gte=since)


def _hour_start(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def comments_per_hour(
    site_ids: Sequence[int], now: datetime, hours: int = HOURS
) -> list[HourCount]:
    """Comments written in each of the last `hours` hours (the current one last). One query."""
    current = _hour_start(now)
    first = current - timedelta(hours=hours - 1)
    rows = (
        _comments(site_ids, first)
        .filter(created_at__lte=now)
        .annotate(hour=TruncHour("created_at", tzinfo=UTC))
        .values("hour")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {_hour_start(row["hour"]): row["n"] for row in rows}
    return [
        HourCount(hour, counts.get(hour, 0))
        for hour in (first + timedelta(hours=i) for i in range(hours))
    ]


def decisions_per_day(
    site_ids: Sequence[int], now: datetime, days: int = DAYS
) -> list[DayDecisions]:
    """Comments held, approved and rejected on each of the last `days` days. One query.

    Days are calendar days in the current time zone; today is the last and counts so far.
    """
    today = timezone.localdate(now)
    first = today - timedelta(days=days - 1)
    start = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    rows = (
        _audit(site_ids, start)
        .filter(verb__in=(HOLD, APPROVE, REJECT), created_at__lte=now)
        .annotate(day=TruncDate("created_at"))
        .values("day", "verb")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {(row["day"], row["verb"]): row["n"] for row in rows}
    result = []
    for i in range(days):
        day = first + timedelta(days=i)
        result.append(
            DayDecisions(
                day=day,
                held=counts.get((day, HOLD), 0),
                approved=counts.get((day, APPROVE), 0),
                rejected=counts.get((day, REJECT), 0),
            )
        )
    return result


def _moderator_decisions(site_ids: Sequence[int], since: datetime) -> QuerySet[AuditEntry]:
    """Decisions by people (the pipeline's entries are the system's), kept by the actor's name so
    that they count after the moderator's account is gone."""
    return (
        _audit(site_ids, since)
        .filter(verb__in=DECISION_VERBS)
        .exclude(actor__isnull=True, actor_name=SYSTEM)
    )


def time_to_decision(
    site_ids: Sequence[int], now: datetime, days: int = DECISION_DAYS
) -> TimeToDecision:
    """The median time from posting a comment to a moderator's decision about it. One query.

    Each decision of the last `days` days counts (a comment approved and later removed after a
    report counts twice). The median is found in the database: the decisions are numbered in
    order of their duration and only the one or two in the middle are fetched.
    """
    waited = ExpressionWrapper(
        F("created_at") - F("comment__created_at"), output_field=DurationField()
    )
    rows = list(
        _moderator_decisions(site_ids, now - timedelta(days=days))
        .filter(comment__isnull=False, created_at__lte=now)
        .annotate(
            waited=waited,
            position=Window(RowNumber(), order_by=[waited.asc(), F("pk").asc()]),
            total=Window(Count("pk")),
        )
        # Rows (n + 1) // 2 to (n + 2) // 2: the middle one, or the middle two when n is even.
        .filter(position__gte=(F("total") + 1) / 2, position__lte=(F("total") + 2) / 2)
        .values_list("waited", "total")
    )
    if not rows:
        return TimeToDecision(None, 0)
    middle = [max(row[0], timedelta(0)) for row in rows]
    return TimeToDecision(sum(middle, timedelta(0)) / len(middle), rows[0][1])


def decisions_per_moderator(
    site_ids: Sequence[int], now: datetime, days: int = DECISION_DAYS
) -> list[ModeratorDecisions]:
    """Approvals, removals and shortenings per moderator over the last `days` days, busiest
    first. One query."""
    rows = (
        _moderator_decisions(site_ids, now - timedelta(days=days))
        .filter(created_at__lte=now)
        .values("actor_name")
        .annotate(
            approved=Count("id", filter=Q(verb=APPROVE)),
            rejected=Count("id", filter=Q(verb=REJECT)),
            shortened=Count("id", filter=Q(verb=SHORTEN)),
        )
        .order_by()
    )
    moderators = [
        ModeratorDecisions(row["actor_name"], row["approved"], row["rejected"], row["shortened"])
        for row in rows
    ]
    moderators.sort(key=lambda m: (-m.total, m.name.casefold()))
    return moderators


def hottest_discussions(
    site_ids: Sequence[int], now: datetime, hours: int = HOT_HOURS, limit: int = HOT_LIMIT
) -> list[HotDiscussion]:
    """The discussions with the most comments written in the last `hours` hours (held ones
    included: they are work for the moderators). One query."""
    rows = (
        _comments(site_ids, now - timedelta(hours=hours))
        .filter(created_at__lte=now)
        .values("article_id", "article__key", "article__title", "article__site__name")
        .annotate(
            n=Count("id"),
            held=Count("id", filter=Q(status=CommentStatus.PENDING)),
            last=Max("created_at"),
        )
        .order_by("-n", "-last", "article_id")[:limit]
    )
    return [
        HotDiscussion(
            article_id=row["article_id"],
            key=row["article__key"],
            title=row["article__title"],
            site_name=row["article__site__name"],
            comments=row["n"],
            held=row["held"],
            last_comment_at=row["last"],
        )
        for row in rows
    ]


def get_dashboard(site_ids: Sequence[int], now: datetime | None = None) -> Dashboard:
    """Every figure of the dashboard for the given sites: five queries, whatever the volume."""
    now = now or timezone.now()
    per_hour = comments_per_hour(site_ids, now)
    per_day = decisions_per_day(site_ids, now)
    moderators = decisions_per_moderator(site_ids, now)
    return Dashboard(
        now=now,
        comments_per_hour=per_hour,
        decisions_per_day=per_day,
        time_to_decision=time_to_decision(site_ids, now),
        moderators=moderators,
        hottest=hottest_discussions(site_ids, now),
        totals={
            "comments_48h": sum(h.comments for h in per_hour),
            "held_14d": sum(d.held for d in per_day),
            "approved_14d": sum(d.approved for d in per_day),
            "rejected_14d": sum(d.rejected for d in per_day),
            "decisions_7d": sum(m.total for m in moderators),
        },
    )
