"""The moderators' comment queues: filtered, keyset-paged pages and their tab counts.

A page costs a constant number of queries however many items it shows and however deep it
lies: the position is a keyset cursor (the sort key of the last or first item shown), never an
offset, so a page in the middle of 100,000 items reads no more rows than the first one.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.expressions import Combinable, RawSQL
from django.utils import timezone

from debatte.accounts.models import User
from debatte.discussions.models import Comment, CommentStatus, Report, RiskOrZero
from debatte.moderation.restrictions import UNRESTRICTED, RestrictionStatus, restriction_statuses
from debatte.moderation.search import matching_comments
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
    author_id: int | None = None
    topic: str = ""  # one of the article's topics, exactly
    score_min: float | None = None  # the classifier's score, inclusive
    score_max: float | None = None
    date_from: date | None = None  # written on or after this day (the site's time zone)
    date_to: date | None = None  # written on or before this day
    search: str = ""  # words in the text, or part of the author's name


@dataclass
class QueuePage:
    items: list[QueueItem]
    next_cursor: str = ""  # "after" of the next page, "" on the last
    previous_cursor: str = ""  # "before" of the previous page, "" on the first


class BadCursor(ValueError):
    """A cursor that is not one this module wrote (edited by hand or from another sort)."""


# --- Which comments -----------------------------------------------------------------------------


def _open_reports(**match: Any) -> QuerySet[Report]:
    return Report.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True, **match)


# The conditions of the queues, for filter() and for the counts' aggregate.
PENDING_Q = Q(status=CommentStatus.PENDING)
# Comment.open_report_count is kept by triggers on the reports table (discussions 0007):
# the same as "has an open report", read from the index comment_reported_risk.
REPORTED_Q = Q(status=CommentStatus.PUBLISHED, open_report_count__gt=0)
FLAGGED_Q = Q(
    status__in=(CommentStatus.PUBLISHED, CommentStatus.PENDING),
    moderated_at__isnull=True,
    risk_score__gte=F("article__site__risk_threshold"),
)
DECIDED_Q = Q(moderated_at__isnull=False)
QUEUE_Q = {
    Queue.PENDING: PENDING_Q,
    Queue.REPORTED: REPORTED_Q,
    Queue.FLAGGED: FLAGGED_Q,
    Queue.DECIDED: DECIDED_Q,
}


def with_topic(rows: QuerySet[Comment], topic: str) -> QuerySet[Comment]:
    """The comments on articles tagged with exactly `topic` (Article.topics, a JSON list)."""
    if connection.vendor == "postgresql":
        return rows.filter(article__topics__contains=[topic])
    # SQLite has no JSON containment lookup: JSON1's json_each over the list; the topic is
    # a parameter.
    tagged = RawSQL(  # noqa: S611
        "SELECT articles_article.id FROM articles_article, json_each(articles_article.topics) "
        "WHERE json_each.value = %s",
        (topic,),
    )
    return rows.filter(article_id__in=tagged)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def filtered_comments(moderator: User, scope: QueueFilter) -> QuerySet[Comment]:
    """The comments of the moderator's sites that pass every filter of `scope`."""
    rows = Comment.objects.filter(article__site__in=sites_moderated_by(moderator))
    exact = {
        "article__site_id": scope.site_id,
        "article__section_id": scope.section_id,
        "article_id": scope.article_id,
        "author_id": scope.author_id,
        "risk_score__gte": scope.score_min,
        "risk_score__lte": scope.score_max,
    }
    rows = rows.filter(**{key: value for key, value in exact.items() if value is not None})
    if scope.date_from:
        rows = rows.filter(created_at__gte=_day_start(scope.date_from))
    if scope.date_to:
        rows = rows.filter(created_at__lt=_day_start(scope.date_to + timedelta(days=1)))
    if scope.reason:
        rows = rows.filter(
            Q(flag_codes__contains=scope.reason) | Q(Exists(_open_reports(reason=scope.reason)))
        )
    if scope.topic:
        rows = with_topic(rows, scope.topic)
    if scope.search:
        rows = matching_comments(rows, scope.search)
    return rows


# --- Sort keys and cursors ----------------------------------------------------------------------


@dataclass(frozen=True)
class SortKey:
    name: str  # the annotation the key is read from
    expression: Combinable
    descending: bool
    parse: Any  # str -> value


def _parse_time(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if timezone.is_naive(value):
        raise ValueError(text)
    return value


_PK = SortKey("q_pk", F("pk"), descending=False, parse=int)
_CREATED = SortKey("q_created", F("created_at"), descending=False, parse=_parse_time)
SORT_KEYS: dict[str, tuple[SortKey, ...]] = {
    QueueOrder.RISK: (
        # Comment.open_report_count, not a count of the reports per row: with the index
        # comment_pending_risk the first page reads 51 rows however long the queue is.
        SortKey("q_risk", RiskOrZero("risk_score"), descending=True, parse=float),
        SortKey("q_reports", F("open_report_count"), descending=True, parse=int),
        _CREATED,
        _PK,
    ),
    QueueOrder.AGE: (_CREATED, _PK),
    Queue.DECIDED: (
        SortKey("q_decided", F("moderated_at"), descending=True, parse=_parse_time),
        SortKey("q_pk", F("pk"), descending=True, parse=int),
    ),
}


def _encode(comment: Comment, keys: Sequence[SortKey]) -> str:
    values = [getattr(comment, key.name) for key in keys]
    return "~".join(v.isoformat() if isinstance(v, datetime) else repr(v) for v in values)


def _decode(cursor: str, keys: Sequence[SortKey]) -> list[Any]:
    parts = cursor.split("~")
    if len(parts) != len(keys):
        raise BadCursor(cursor)
    try:
        return [key.parse(part) for key, part in zip(keys, parts, strict=True)]
    except (ValueError, OverflowError) as error:
        raise BadCursor(cursor) from error


def _beyond(keys: Sequence[SortKey], values: list[Any], *, forward: bool) -> Q:
    """Rows after (forward) or before the position `values` in the order of `keys`: the first
    key's bound on its own (most rows fail it cheaply), then "equal on the keys before, beyond
    on this one" for each key, cheap comparisons written first."""

    def past(key: SortKey, value: Any, *, inclusive: bool = False) -> Q:
        smaller = key.descending == forward  # descending and forward: smaller values come later
        lookup = ("lt" if smaller else "gt") + ("e" if inclusive else "")
        return Q(**{f"{key.name}__{lookup}": value})

    either = Q()
    for index, key in enumerate(keys):
        step = Q()
        for earlier, value in zip(keys[:index], values[:index], strict=True):
            step &= Q(**{earlier.name: value})
        either |= step & past(key, values[index])
    return past(keys[0], values[0], inclusive=True) & either


def _ordering(keys: Sequence[SortKey], *, forward: bool) -> list[Any]:
    return [F(key.name).desc() if key.descending == forward else F(key.name).asc() for key in keys]


# --- Pages and counts ---------------------------------------------------------------------------


def get_queue_page(
    moderator: User,
    *,
    queue: Queue,
    scope: QueueFilter | None = None,
    order: QueueOrder = QueueOrder.RISK,
    limit: int = 50,
    after: str = "",
    before: str = "",
) -> QueuePage:
    """One page of a queue after the cursor `after` (or before `before`), each item with its
    context and its author's history. Raises BadCursor for a cursor it did not write."""
    keys = SORT_KEYS[Queue.DECIDED if queue == Queue.DECIDED else order]
    rows = filtered_comments(moderator, scope or QueueFilter()).filter(QUEUE_Q[queue])
    rows = rows.annotate(**{key.name: key.expression for key in keys})
    forward = not before
    if after or before:
        rows = rows.filter(_beyond(keys, _decode(after or before, keys), forward=forward))
    rows = rows.select_related("article", "article__site", "parent", "author", "claimed_by")
    comments = list(rows.order_by(*_ordering(keys, forward=forward))[: limit + 1])
    more = len(comments) > limit
    comments = comments[:limit]
    if not forward:
        comments.reverse()
    if not comments:
        return QueuePage([])
    has_next = more if forward else True
    has_previous = bool(after) if forward else more
    return QueuePage(
        _with_context(comments, moderator),
        next_cursor=_encode(comments[-1], keys) if has_next else "",
        previous_cursor=_encode(comments[0], keys) if has_previous else "",
    )


def list_queue(
    moderator: User,
    *,
    queue: Queue,
    scope: QueueFilter | None = None,
    order: QueueOrder = QueueOrder.RISK,
    limit: int = 50,
) -> list[QueueItem]:
    """The first page of a queue (the API's list)."""
    return get_queue_page(moderator, queue=queue, scope=scope, order=order, limit=limit).items


def count_queues(moderator: User, scope: QueueFilter | None = None) -> dict[str, int]:
    """How many comments passing the filters wait in each queue: one aggregate query."""
    rows = filtered_comments(moderator, scope or QueueFilter()).filter(
        status__in=(CommentStatus.PENDING, CommentStatus.PUBLISHED)
    )
    counted = (Queue.PENDING, Queue.REPORTED, Queue.FLAGGED)
    totals = rows.aggregate(**{q.value: Count("pk", filter=QUEUE_Q[q]) for q in counted})
    return {name: int(total or 0) for name, total in totals.items()}


def get_queue_items(comments: Sequence[Comment], moderator: User) -> list[QueueItem]:
    """Queue items of the comments (one comment's page)."""
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
