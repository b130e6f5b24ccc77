"""Comment numbers: advanced counters, never counted rows.

Each counter is advanced with one `UPDATE ... SET n = n + 1 ... RETURNING n` inside the posting
transaction. PostgreSQL locks the row until commit; on SQLite the transaction is IMMEDIATE, so
writers are serialised from BEGIN. Either way two posts never read the same value, and the
unique constraint on (article, number, reply_number) is the backstop.

The same UPDATE also counts the new comment on the row it numbers from, so a post writes each
counter row once: the article's version and published count for a top-level comment (what
`counters.bump_version` does), the thread's visible replies for a reply (what
`counters.adjust_reply_count` does).
"""

from django.db import connection

from debatte.articles.models import Article
from debatte.discussions.models import Comment


def _advance(table: str, column: str, pk: int, also: dict[str, int] | None = None) -> int:
    """Add 1 to `column` (and each `also` delta to its column); the new value of `column`."""
    also = also or {}
    # Column names come from this module, never from input; the deltas are parameters.
    assignments = ", ".join(
        [f"{column} = {column} + 1"] + [f"{name} = {name} + %s" for name in also]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {assignments} WHERE id = %s RETURNING {column}",  # noqa: S608
            [*also.values(), pk],
        )
        row = cursor.fetchone()
    if row is None:
        raise LookupError(f"{table} row {pk} vanished while numbering")
    return int(row[0])


def next_comment_number(article: Article, *, published: bool) -> int:
    """The next top-level number; the same UPDATE bumps the discussion's version and counts the
    comment when it is published (no `bump_version` after it)."""
    counted = {"version": 1, "comment_count": int(published)}
    return _advance(Article._meta.db_table, "last_comment_number", article.pk, counted)


def next_reply_number(thread: Comment, *, published: bool) -> int:
    """The next reply number in `thread`; the same UPDATE counts a published reply in the
    thread's reply_count (no `adjust_reply_count` after it)."""
    counted = {"reply_count": int(published)}
    return _advance(Comment._meta.db_table, "last_reply_number", thread.pk, counted)
