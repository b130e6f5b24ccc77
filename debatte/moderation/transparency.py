"""The transparency report (DSA Art. 15 and 24) of some sites for a period, as figures.

Everything is counted in the database, a fixed number of queries whatever the period holds:
notices and reports received, decisions on notices, the median and 90th percentile of the time
from notice to decision (read as one or two rows at their rank of the ordered durations, the
same on SQLite and PostgreSQL), decisions by type and ground, appeals and automated means.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from debatte.discussions.models import Comment, Report, ReportReason
from debatte.moderation.models import (
    Appeal,
    AppealStatus,
    AuditEntry,
    Notice,
    NoticeCategory,
    NoticeDecision,
    StatementOfReasons,
)

GROUNDS_SHOWN = 50  # decisions by ground: the most frequent; the rest is summed up
DECISION_TYPES = (
    "comment.reject",
    "comment.shorten",
    "user.warn",
    "user.suspend",
    "user.ban",
    "user.premoderate",
)


@dataclass(frozen=True)
class Period:
    """Whole days, `start` to `end` inclusive, in the installation's time zone."""

    start: date
    end: date

    @property
    def since(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def until(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))


@dataclass
class TransparencyReport:
    period: Period
    notices_by_category: dict[str, int] = field(default_factory=dict)
    reports_by_reason: dict[str, int] = field(default_factory=dict)
    notice_decisions: dict[str, int] = field(default_factory=dict)
    median_to_decision: timedelta | None = None
    p90_to_decision: timedelta | None = None
    decisions_by_type: dict[str, int] = field(default_factory=dict)
    decisions_by_ground: list[tuple[str, str, int]] = field(default_factory=list)
    other_grounds: int = 0
    on_notice: int = 0  # decisions on comments someone had reported or notified before
    own_initiative: int = 0
    automated_decisions: int = 0
    appeals: dict[str, int] = field(default_factory=dict)
    held_by_pipeline: int = 0
    flagged_comments: int = 0
    flagged_by_classifier: int = 0

    @property
    def notices_received(self) -> int:
        return sum(self.notices_by_category.values())

    @property
    def reports_received(self) -> int:
        return sum(self.reports_by_reason.values())

    @property
    def notices_decided(self) -> int:
        return sum(self.notice_decisions.values())

    @property
    def decisions_total(self) -> int:
        return sum(self.decisions_by_type.values())


def get_transparency_report(period: Period, *, site_ids: list[int] | None) -> TransparencyReport:
    """The figures of `period` for the sites `site_ids` (None: every site, and the decisions
    about accounts on all sites). Ten queries (eight when no notice was decided)."""
    report = TransparencyReport(period=period)
    _count_notices(report, site_ids)
    _count_decisions(report, site_ids)
    _count_appeals(report, site_ids)
    _count_automated_means(report, site_ids)
    return report


def _in(period: Period, name: str) -> Q:
    return Q(**{f"{name}__gte": period.since, f"{name}__lt": period.until})


def _sites(site_ids: list[int] | None, name: str) -> Q:
    return Q() if site_ids is None else Q(**{f"{name}__in": site_ids})


def _counts(rows: Iterable[dict[str, Any]], key: str) -> dict[str, int]:
    return {str(row[key]): int(row["n"]) for row in rows}


def _count_notices(report: TransparencyReport, site_ids: list[int] | None) -> None:
    period = report.period
    # Every report "illegal content" is a notice; one sent through the plain report form has
    # its notice row (and kind) only once decided: "other" until then.
    received = Report.objects.filter(
        _in(period, "created_at"),
        _sites(site_ids, "comment__article__site_id"),
        reason=ReportReason.ILLEGAL,
    ).annotate(kind=Coalesce("notice__category", Value(NoticeCategory.OTHER.value)))
    by_category = _counts(received.values("kind").annotate(n=Count("pk")), "kind")
    report.notices_by_category = {c: by_category.get(c, 0) for c in NoticeCategory.values}
    reports = Report.objects.filter(
        _in(period, "created_at"), _sites(site_ids, "comment__article__site_id")
    )
    by_reason = _counts(reports.values("reason").annotate(n=Count("pk")), "reason")
    report.reports_by_reason = {r: by_reason.get(r, 0) for r in ReportReason.values}
    decided = Notice.objects.filter(_in(period, "decided_at"), _sites(site_ids, "site_id")).exclude(
        decision=""
    )
    by_decision = _counts(decided.values("decision").annotate(n=Count("pk")), "decision")
    report.notice_decisions = {d: by_decision.get(d, 0) for d in NoticeDecision.values}
    report.median_to_decision, report.p90_to_decision = _percentiles(
        decided, report.notices_decided
    )


def _percentiles(
    decided: QuerySet[Notice], count: int
) -> tuple[timedelta | None, timedelta | None]:
    """The median (mean of the middle two for an even count) and the 90th percentile (nearest
    rank) of the time from notice to decision: the rows at those ranks, not all durations."""
    if count == 0:
        return None, None
    durations = (
        decided.annotate(
            duration=ExpressionWrapper(F("decided_at") - F("created_at"), DurationField())
        )
        .order_by("duration", "pk")
        .values_list("duration", flat=True)
    )
    if count % 2:
        middle = list(durations[count // 2 : count // 2 + 1])
    else:
        middle = list(durations[count // 2 - 1 : count // 2 + 1])
    median = sum(middle, timedelta()) / len(middle)
    rank = math.ceil(0.9 * count)
    p90 = list(durations[rank - 1 : rank])[0]
    return median, p90


def _count_decisions(report: TransparencyReport, site_ids: list[int] | None) -> None:
    statements = StatementOfReasons.objects.filter(
        _in(report.period, "created_at"), _sites(site_ids, "site_id")
    )
    reported_before = Report.objects.filter(
        comment=OuterRef("comment"), created_at__lte=OuterRef("created_at")
    )
    rows = (
        statements.annotate(on_notice=Exists(reported_before))
        .values("decision", "automated", "on_notice")
        .annotate(n=Count("pk"))
    )
    by_type = dict.fromkeys(DECISION_TYPES, 0)
    for row in rows:
        by_type[row["decision"]] = by_type.get(row["decision"], 0) + row["n"]
        report.automated_decisions += row["n"] if row["automated"] else 0
        if row["on_notice"]:
            report.on_notice += row["n"]
        else:
            report.own_initiative += row["n"]
    report.decisions_by_type = by_type
    grounds = (
        statements.values("decision", "ground")
        .annotate(n=Count("pk"))
        .order_by("-n", "decision", "ground")[: GROUNDS_SHOWN + 1]
    )
    shown = [(row["decision"], row["ground"], row["n"]) for row in grounds]
    report.decisions_by_ground = shown[:GROUNDS_SHOWN]
    report.other_grounds = report.decisions_total - sum(n for _, _, n in report.decisions_by_ground)


def _count_appeals(report: TransparencyReport, site_ids: list[int] | None) -> None:
    period = report.period
    appeals = Appeal.objects.all()
    if site_ids is not None:
        appeals = appeals.filter(
            Q(statement__site_id__in=site_ids) | Q(notice__site_id__in=site_ids)
        )
    received = _in(period, "created_at")
    decided = _in(period, "decided_at")
    report.appeals = appeals.aggregate(
        received_from_authors=Count("pk", filter=received & Q(statement__isnull=False)),
        received_from_notifiers=Count("pk", filter=received & Q(notice__isnull=False)),
        upheld=Count("pk", filter=decided & Q(status=AppealStatus.UPHELD)),
        reversed=Count("pk", filter=decided & Q(status=AppealStatus.REVERSED)),
        withdrawn=Count("pk", filter=decided & Q(status=AppealStatus.WITHDRAWN)),
        open_at_end=Count(
            "pk",
            filter=Q(created_at__lt=period.until)
            & (Q(decided_at__isnull=True) | Q(decided_at__gte=period.until)),
        ),
    )


def _count_automated_means(report: TransparencyReport, site_ids: list[int] | None) -> None:
    period = report.period
    report.held_by_pipeline = AuditEntry.objects.filter(
        _in(period, "created_at"), _sites(site_ids, "site_id"), verb="comment.hold"
    ).count()
    flagged = Comment.objects.filter(
        _in(period, "created_at"), _sites(site_ids, "article__site_id")
    ).aggregate(
        # "not_scored" only says the classifier gave no score: no means flagged anything.
        flagged=Count("pk", filter=~Q(flag_codes__in=["", "not_scored"])),
        classifier=Count("pk", filter=Q(flag_codes__contains="toxicity")),
    )
    report.flagged_comments = flagged["flagged"]
    report.flagged_by_classifier = flagged["classifier"]


def report_rows(report: TransparencyReport, site_names: list[str]) -> list[tuple[str, str, str]]:
    """The figures as (section, item, value) rows, the CSV download's lines; items are codes,
    durations whole seconds (empty when nothing was decided)."""
    rows: list[tuple[str, str, str]] = [
        ("period", "start", report.period.start.isoformat()),
        ("period", "end", report.period.end.isoformat()),
        ("period", "sites", "; ".join(site_names)),
        ("notices", "received", str(report.notices_received)),
    ]
    rows += [("notices_by_category", k, str(v)) for k, v in report.notices_by_category.items()]
    rows += [("notice_decisions", k, str(v)) for k, v in report.notice_decisions.items()]
    rows += [
        ("notice_decisions", "total", str(report.notices_decided)),
        ("time_to_decision", "median_seconds", _seconds(report.median_to_decision)),
        ("time_to_decision", "p90_seconds", _seconds(report.p90_to_decision)),
        ("reports", "received", str(report.reports_received)),
    ]
    rows += [("reports_by_reason", k, str(v)) for k, v in report.reports_by_reason.items()]
    rows += [("decisions_by_type", k, str(v)) for k, v in report.decisions_by_type.items()]
    rows += [
        ("decisions", "total", str(report.decisions_total)),
        ("decisions", "on_notice", str(report.on_notice)),
        ("decisions", "own_initiative", str(report.own_initiative)),
        ("decisions", "automated", str(report.automated_decisions)),
    ]
    rows += [(f"decisions_by_ground:{d}", g, str(n)) for d, g, n in report.decisions_by_ground]
    if report.other_grounds:
        rows.append(("decisions_by_ground", "other", str(report.other_grounds)))
    rows += [("appeals", k, str(v)) for k, v in report.appeals.items()]
    rows += [
        ("automated_means", "held_by_pipeline", str(report.held_by_pipeline)),
        ("automated_means", "flagged_comments", str(report.flagged_comments)),
        ("automated_means", "flagged_by_classifier", str(report.flagged_by_classifier)),
    ]
    return rows


def _seconds(value: timedelta | None) -> str:
    return "" if value is None else str(round(value.total_seconds()))
