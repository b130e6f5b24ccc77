"""Comment numbers: advanced counters, never counted rows.

Each counter is advanced with one `UPDATE ... SET n = n + 1 ... RETURNING n` inside the posting
transaction. PostgreSQL locks the row until commit; on SQLite the transaction is IMMEDIATE, so
writers are serialised from BEGIN. Either way two posts never read the same value, and the
unique constraint on (article, number, reply_number) is the backstop.
"""

from django.db import connection

from debatte.articles.models import Article
from debatte.discussions.models import Comment


def _advance(table: str, column: str, pk: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {column} = {column} + 1 WHERE id = %s RETURNING {column}",  # noqa: S608
            [pk],
        )
        row = cursor.fetchone()
    if row is None:
        raise LookupError(f"{table} row {pk} vanished while numbering")
    return int(row[0])


def next_comment_number(article: Article) -> int:
    return _advance(Article._meta.db_table, "last_comment_number", article.pk)


def next_reply_number(thread: Comment) -> int:
    return _advance(Comment._meta.db_table, "last_reply_number", thread.pk)
