"""The staging area: a parsed file, grouped by article, in a temporary SQLite file.

Exports interleave threads and comments (a Disqus export lists all threads, then all posts in
any order), so nothing can be written while reading. The parser streams records into a
temporary SQLite database on disk (not the site's database); the loader then reads them back
one article at a time. Memory stays flat whatever the size of the file, and the whole file has
been read, and found importable, before the first row is written (validate, then write).
"""

import hashlib
import json
import re
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from debatte.importers.records import ArticleRecord, CommentRecord, Problem

_SURROGATE = re.compile("[\ud800-\udfff]")
_COMMENT_COLUMNS = "name, body, created, ref, parent, status, email, ip, position"


def _clean_text(value: str) -> str:
    value = value.replace("\x00", "")
    return _SURROGATE.sub("\ufffd", value)


def _short_ref(ref: str) -> str:
    """A reference that fits Comment.import_ref (200): an overlong source id keeps its start
    and a hash of the whole, the same for the comment and for the replies that name it."""
    if len(ref) <= 200:
        return ref
    digest = hashlib.sha1(ref.encode("utf-8", "surrogatepass")).hexdigest()  # noqa: S324
    return f"{ref[:150]}~{digest}"


class Staging:
    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="debatte-import-")
        self.db = sqlite3.connect(Path(self._dir.name) / "staging.sqlite3")
        self.db.executescript(
            """
            PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
            CREATE TABLE article (seq INTEGER PRIMARY KEY, ref TEXT UNIQUE, data TEXT);
            CREATE TABLE comment (
                seq INTEGER PRIMARY KEY, article TEXT, name TEXT, body TEXT, created TEXT,
                ref TEXT, parent TEXT, status TEXT, email TEXT, ip TEXT, position TEXT);
            """
        )
        self._pending: list[tuple[object, ...]] = []
        self.comment_count = 0
        self.problems: list[Problem] = []

    def __enter__(self) -> "Staging":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()
        self._dir.cleanup()

    def add(self, item: ArticleRecord | CommentRecord) -> None:
        self._clean(item)
        if isinstance(item, CommentRecord):
            item.import_ref, item.parent_ref = (
                _short_ref(item.import_ref),
                _short_ref(item.parent_ref),
            )
            self._pending.append((item.article_ref, *item.to_row()))
            self.comment_count += 1
            if len(self._pending) >= 5000:
                self._flush()
            return
        data: dict[str, Any] = asdict(item)
        data["published_at"] = item.published_at.isoformat() if item.published_at else None
        data["comments"] = []
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO article (ref, data) VALUES (?, ?)",
            (item.ref or item.key, json.dumps(data)),
        )
        if not cursor.rowcount:
            self.problems.append(
                Problem(item.position, f"thread {item.ref} listed twice; kept the first")
            )

    def _clean(self, item: ArticleRecord | CommentRecord) -> None:
        """Drop NUL characters and replace lone surrogates (JSON can carry both): PostgreSQL
        stores neither, and SQLite cannot encode a surrogate. Each repair is reported."""
        for name, value in vars(item).items():
            cleaned: object
            if isinstance(value, str):
                cleaned = _clean_text(value)
            elif name == "body" and isinstance(value, list):
                cleaned = [
                    {k: _clean_text(v) if isinstance(v, str) else v for k, v in block.items()}
                    for block in value
                ]
            else:
                continue
            if cleaned != value:
                setattr(item, name, cleaned)
                self.problems.append(
                    Problem(item.position, f"{name}: removed NUL or invalid characters")
                )

    def _flush(self) -> None:
        self.db.executemany(
            f"INSERT INTO comment (article, {_COMMENT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)",  # noqa: S608
            self._pending,
        )
        self._pending.clear()

    def finish(self) -> None:
        """Index the comments by article and report those whose article is missing."""
        self._flush()
        self.db.execute("CREATE INDEX comment_article ON comment (article, seq)")
        orphans = self.db.execute(
            "SELECT article, count(*), min(position) FROM comment "
            "WHERE article NOT IN (SELECT ref FROM article) GROUP BY article"
        ).fetchall()
        for ref, count, position in orphans:
            self.problems.append(
                Problem(position, f"{count} comment(s) of the unknown thread {ref!r} skipped")
            )
            self.comment_count -= count
        self.db.commit()

    def articles(self) -> Iterator[ArticleRecord]:
        """Each article with its comments, in the order the file listed the articles."""
        for ref, data in self.db.execute("SELECT ref, data FROM article ORDER BY seq"):
            fields = json.loads(data)
            published = fields.pop("published_at")
            record = ArticleRecord(**fields)
            record.published_at = datetime.fromisoformat(published) if published else None
            rows = self.db.execute(
                f"SELECT {_COMMENT_COLUMNS} FROM comment WHERE article = ? ORDER BY seq",  # noqa: S608
                (ref,),
            )
            record.comments = [CommentRecord.from_row(ref, row) for row in rows]
            if record.comments or record.keep_without_comments:
                yield record
