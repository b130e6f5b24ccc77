"""The one writer of imported comments: rows inserted level by level, then the counters.

Both the imports from other systems and the seed page write through `write_comments`, so
numbering counters, reply counts, the article's comment count and its version are kept the
same way for both.
"""

import ipaddress
from collections import defaultdict
from datetime import timedelta

from django.db import connection
from django.db.models import F
from django.utils import timezone

from debatte.accounts.services import ip_retention_days
from debatte.articles.models import Article
from debatte.discussions.models import VISIBLE_STATUSES, Comment, CommentStatus
from debatte.importers.planning import Existing, Planned


def write_comments(
    article: Article,
    plan: list[Planned],
    existing: dict[str, Existing],
    user_ids: dict[str, int | None],
) -> None:
    """Insert level by level (a parent before its replies) with one executemany per level.

    The ORM's bulk_create spends most of its time compiling SQL per row; this writes the same
    columns (defaults taken from the model's fields) at several times the speed. `user_ids`:
    the author's account per planned `ref` (None: a named guest).
    """
    pks = {ref: row.pk for ref, row in existing.items()}
    levels: dict[int, list[Planned]] = defaultdict(list)
    for p in plan:
        levels[p.depth].append(p)
    insert = _CommentInsert()
    groups = []
    for depth in sorted(levels):
        # Top-level comments first within a level, so their threads exist for the replies.
        groups.append([p for p in levels[depth] if not p.reply_number])
        groups.append([p for p in levels[depth] if p.reply_number])
    groups = [group for group in groups if group]
    for index, group in enumerate(groups):
        insert.run(article, group, pks, user_ids)
        if index + 1 < len(groups):  # the next group refers to these by primary key
            pks.update(_pks_of(article, group))
    _update_counters(article, plan, existing)


def _pks_of(article: Article, group: list[Planned]) -> dict[str, int]:
    """The primary keys of the rows just inserted, by their planned ref (numbers are unique)."""
    stored = {
        (number, reply): pk
        for number, reply, pk in Comment.objects.filter(article=article).values_list(
            "number", "reply_number", "pk"
        )
    }
    return {p.ref: stored[(p.number, p.reply_number)] for p in group}


class _CommentInsert:
    def __init__(self) -> None:
        # IP addresses older than the retention period are personal data the daily purge would
        # remove at once: they are not imported at all.
        self.ip_cutoff = timezone.now() - timedelta(days=ip_retention_days())
        self.fields = [f for f in Comment._meta.concrete_fields if not f.primary_key]
        self.defaults = {
            f.attname: f.get_db_prep_save(f.get_default(), connection) for f in self.fields
        }
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        table = connection.ops.quote_name(Comment._meta.db_table)
        self.sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608

    def run(
        self,
        article: Article,
        group: list[Planned],
        pks: dict[str, int],
        user_ids: dict[str, int | None],
    ) -> None:
        ops = connection.ops
        rows = []
        for p in group:
            item = p.record
            values = dict(self.defaults)
            values.update(
                article_id=article.pk,
                number=p.number,
                reply_number=p.reply_number,
                parent_id=pks[p.parent] if p.parent else None,
                thread_id=pks[p.root] if p.reply_number else None,
                parent_reply_number=p.parent_reply_number,
                author_id=user_ids.get(p.ref),
                author_name=item.author_name,
                body=item.body,
                status=item.status,
                created_at=ops.adapt_datetimefield_value(item.created_at),
                ip_address=ops.adapt_ipaddressfield_value(
                    _ip(item.ip_address) if item.created_at >= self.ip_cutoff else None
                ),
                import_ref=item.import_ref,
                last_reply_number=p.last_reply_number,
                reply_count=p.reply_count,
            )
            rows.append([values[f.attname] for f in self.fields])
        with connection.cursor() as cursor:
            for start in range(0, len(rows), 1000):
                cursor.executemany(self.sql, rows[start : start + 1000])


def _ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip())) if value.strip() else None
    except ValueError:
        return None


def _update_counters(article: Article, plan: list[Planned], existing: dict[str, Existing]) -> None:
    grown: dict[str, list[Planned]] = defaultdict(list)
    for p in plan:
        if p.reply_number and p.root in existing:
            grown[p.root].append(p)
    for root, replies in grown.items():
        Comment.objects.filter(pk=existing[root].pk).update(
            last_reply_number=max(r.reply_number for r in replies),
            reply_count=F("reply_count")
            + sum(r.record.status in VISIBLE_STATUSES for r in replies),
        )
    Article.objects.filter(pk=article.pk).update(
        last_comment_number=max([article.last_comment_number] + [p.number for p in plan]),
        comment_count=F("comment_count")
        + sum(p.record.status == CommentStatus.PUBLISHED for p in plan),
        version=F("version") + 1,
    )
