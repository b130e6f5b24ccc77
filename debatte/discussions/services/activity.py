"""What a writer did lately: the facts of the rate, repeat and new-account rules.

Each question is one query (scalar subqueries). Posting asks twice: before the moderation
pipeline runs (`writer_facts`), so that a flood is refused without taking the write lock, and
again inside its transaction (`recount_activity`), where the answer is final:

- SQLite: transactions are IMMEDIATE, so writers are serialised from BEGIN;
- PostgreSQL: `lock_writer` locks the writer's row (FOR NO KEY UPDATE) until commit, and the
  counting is a later statement, so under READ COMMITTED it sees the comments of a post by the
  same reader that held the lock first. Posts by different readers from one IP address are
  serialised on SQLite only; on PostgreSQL a burst of them can pass the per-IP limit.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection

from debatte.accounts.models import User
from debatte.articles.models import Article, Site
from debatte.discussions.checks import RecentActivity
from debatte.discussions.models import Comment, CommentStatus

RATE_WINDOW = timedelta(minutes=1)
REPEAT_WINDOW = timedelta(days=1)

# Plain SQL on purpose: built with the ORM, these two queries cost about 2.4 ms a post, most of
# it compiling them; as SQL about 0.16 ms (a post takes about 5 ms in all). Table and column
# names are this module's, never input; every value is a parameter.
_COMMENTS = Comment._meta.db_table
_ARTICLES = Article._meta.db_table
_BY_AUTHOR = f"SELECT COUNT(*) FROM {_COMMENTS} WHERE author_id = %s AND created_at >= %s"  # noqa: S608
_SAME_TEXT = (
    f"SELECT CASE WHEN EXISTS (SELECT 1 FROM {_COMMENTS} "  # noqa: S608
    "WHERE author_id = %s AND body = %s AND created_at >= %s) THEN 1 ELSE 0 END"
)
_BY_IP = (
    f"SELECT COUNT(*) FROM {_COMMENTS} c JOIN {_ARTICLES} a ON a.id = c.article_id "  # noqa: S608
    "WHERE c.ip_address = %s AND c.created_at >= %s AND a.site_id = %s"
)
_PUBLISHED = f"SELECT COUNT(*) FROM {_COMMENTS} WHERE author_id = %s AND status = %s"  # noqa: S608


@dataclass(frozen=True)
class WriterFacts:
    published_comments: int
    activity: RecentActivity


def _count(
    author: User,
    *,
    site: Site,
    text: str,
    ip_address: str | None,
    now: datetime,
    published: bool,
) -> dict[str, int]:
    """One query: each wanted count as a scalar subquery."""
    ops = connection.ops
    since = ops.adapt_datetimefield_value(now - RATE_WINDOW)
    parts: dict[str, tuple[str, list[Any]]] = {
        "by_author": (_BY_AUTHOR, [author.pk, since]),
        "same_text": (
            _SAME_TEXT,
            [author.pk, text, ops.adapt_datetimefield_value(now - REPEAT_WINDOW)],
        ),
    }
    if ip_address:
        parts["by_ip"] = (_BY_IP, [ops.adapt_ipaddressfield_value(ip_address), since, site.pk])
    if published:
        parts["published"] = (_PUBLISHED, [author.pk, CommentStatus.PUBLISHED.value])
    sql = "SELECT " + ", ".join(f"({part})" for part, _params in parts.values())
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for _sql, params in parts.values() for value in params])
        row = cursor.fetchone()
    return {name: int(value or 0) for name, value in zip(parts, row, strict=True)}


def _activity(counts: dict[str, int], site: Site) -> RecentActivity:
    return RecentActivity(
        by_author_last_minute=counts["by_author"],
        by_ip_last_minute=counts.get("by_ip", 0),
        same_text_recently=bool(counts["same_text"]),
        rate_limit_per_minute=site.rate_limit_per_minute,
    )


def writer_facts(
    author: User, *, site: Site, text: str, ip_address: str | None, now: datetime
) -> WriterFacts:
    """Published comments so far and recent activity, for the pipeline of a new comment."""
    counts = _count(author, site=site, text=text, ip_address=ip_address, now=now, published=True)
    return WriterFacts(counts["published"], _activity(counts, site))


def lock_writer(author: User) -> None:
    """Hold back the writer's other posts until this transaction ends (PostgreSQL; on SQLite
    the IMMEDIATE transaction already holds back every other writer, so no query is needed)."""
    features = connection.features
    if features.has_select_for_update:
        no_key = features.has_select_for_no_key_update
        locked = User.objects.select_for_update(no_key=no_key).filter(pk=author.pk)
        list(locked.values_list("pk", flat=True))


def recount_activity(
    author: User, *, site: Site, text: str, ip_address: str | None, now: datetime
) -> RecentActivity:
    """Recent activity counted again inside the posting transaction, after `lock_writer`."""
    counts = _count(author, site=site, text=text, ip_address=ip_address, now=now, published=False)
    return _activity(counts, site)
