"""Full-text search over comments for moderators.

Two backends behind one function, chosen by the database in use:

- PostgreSQL: `to_tsvector('german', body) @@ websearch_to_tsquery('german', …)`, served by the
  GIN expression index `comment_body_fts` (German stemming: "Idioten" finds "Idiot").
- SQLite: the FTS5 table `discussions_comment_fts` over the comments' text, kept in step by
  triggers (migration discussions 0005); every word must occur, as a word or a word's start.

Either way a query also matches part of the author's name (the name shown on the comment or the
account's current display name). Callers pass rows already limited to the moderator's sites.
"""

import re

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from debatte.accounts.models import User
from debatte.discussions.models import Comment

# At most this many words of a query are searched for (the rest is ignored).
MAX_WORDS = 12
MAX_QUERY_LENGTH = 200

_POSTGRES_MATCH = (
    "SELECT id FROM discussions_comment "
    "WHERE to_tsvector('german', body) @@ websearch_to_tsquery('german', %s)"
)
_SQLITE_MATCH = "SELECT rowid FROM discussions_comment_fts WHERE discussions_comment_fts MATCH %s"


def fts5_query(text: str) -> str:
    """An FTS5 query in which every word of `text` must occur as a word or a word's start;
    the words are quoted, so nothing the moderator types is FTS5 syntax."""
    words = re.findall(r"\w+", text)[:MAX_WORDS]
    return " ".join(f'"{word}"*' for word in words)


def _text_matches(text: str) -> Q | None:
    # Constant SQL; the moderator's words are a parameter.
    if connection.vendor == "postgresql":
        return Q(pk__in=RawSQL(_POSTGRES_MATCH, (text,)))  # noqa: S611
    query = fts5_query(text)
    if not query:
        return None
    return Q(pk__in=RawSQL(_SQLITE_MATCH, (query,)))  # noqa: S611


def matching_comments(rows: QuerySet[Comment], text: str) -> QuerySet[Comment]:
    """The comments among `rows` whose text contains the words of `text` or whose author's
    name contains `text`."""
    text = " ".join(text.split())[:MAX_QUERY_LENGTH]
    if not text:
        return rows
    authors = User.objects.filter(display_name__icontains=text).values("pk")
    condition = Q(author_name__icontains=text) | Q(author__in=authors)
    text_condition = _text_matches(text)
    if text_condition is not None:
        condition |= text_condition
    return rows.filter(condition)
