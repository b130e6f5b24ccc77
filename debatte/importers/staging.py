"""The staging area: a parsed file, grouped by article, in a temporary SQLite file.

Exports interleave threads and comments (a Disqus export lists all threads, then all posts in
any order), so nothing can be written while reading. The parser streams records into a
temporary SQLite database on disk (not the site's database); the loader then reads them back
one article at a time. Memory stays flat whatever the size of the file, and the whole file has
been read, and found importable, before the first row is written (validate, then write).
"""

import json
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from types import TracebackType

from debatte.importers.records import ArticleRecord, CommentRecord, Problem

_COMMENT_COLUMNS = "name, body, created, ref, parent, status, email, ip, position"


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
        if isinstance(item, CommentRecord):
            self._pending.append((item.article_ref, *item.to_row()))
            self.comment_count += 1
            if len(self._pending) >= 5000:
                self._flush()
            return
        data = asdict(item)
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
