"""Isso: its "generic" JSON import format, and its own SQLite database (comments.db).

Threads are keyed by their URI slugified ("isso-posts-0001-<hash>"). Isso has no accounts: every
author is a named guest. Bodies are Isso's Markdown source, kept as plain text. In the
database, mode 1 is published, 2 pending and 4 deleted (a tombstone that keeps its replies).
"""

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import IO, Any
from urllib.parse import unquote_plus

from debatte.importers.common import article_key, load_json, parse_datetime, shaped
from debatte.importers.htmltext import plain_text
from debatte.importers.records import (
    DELETED,
    PENDING,
    PUBLISHED,
    ArticleRecord,
    CommentRecord,
    ImportFormatError,
    Problem,
)

Item = ArticleRecord | CommentRecord
MODES = {1: PUBLISHED, 2: PENDING, 4: DELETED}
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def parse_generic(raw: IO[bytes], problems: list[Problem]) -> Iterator[Item]:
    threads = load_json(raw)
    if not isinstance(threads, list):
        raise ImportFormatError("top level", "an Isso export is a list of threads")
    for index, thread in enumerate(threads):
        with shaped(f"thread {index + 1}"):
            yield from _generic_thread(thread, index, problems)


def _generic_thread(thread: dict[str, Any], index: int, problems: list[Problem]) -> Iterator[Item]:
    uri = str(thread.get("id") or "")
    position = f"thread {index + 1} ({uri})"
    if not uri:
        problems.append(Problem(position, "thread without id skipped"))
        return
    yield ArticleRecord(
        key=article_key("isso", uri),
        title=unquote_plus(str(thread.get("title") or uri))[:300],
        ref=uri,
        page_path=uri,
        position=position,
    )
    for number, comment in enumerate(thread.get("comments") or []):
        where = f"{position}, comment {number + 1}"
        created = parse_datetime(str(comment.get("created") or ""), where, problems) or EPOCH
        parent = comment.get("parent")
        yield CommentRecord(
            author_name=str(comment.get("author") or "Gast")[:80],
            body=plain_text(str(comment.get("text") or "")),
            created_at=created,
            import_ref=f"isso:{comment.get('id', number)}",
            article_ref=uri,
            parent_ref=f"isso:{parent}" if parent is not None else "",
            ip_address=str(comment.get("remote_addr") or ""),
            position=where,
        )


def parse_database(path: str, problems: list[Problem]) -> Iterator[Item]:
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        threads = db.execute("SELECT id, uri, title FROM threads ORDER BY id").fetchall()
    except sqlite3.Error as error:
        raise ImportFormatError("database", f"not an Isso database ({error})") from None
    try:
        for tid, uri, title in threads:
            yield ArticleRecord(
                key=article_key("isso", uri),
                title=(title or uri)[:300],
                ref=str(tid),
                page_path=str(uri or ""),
            )
        rows = db.execute(
            "SELECT tid, id, parent, created, mode, remote_addr, text, author FROM comments "
            "ORDER BY id"
        )
        for tid, cid, parent, created, mode, addr, text, author in rows:
            yield CommentRecord(
                author_name=(author or "Gast")[:80],
                body=plain_text(text or ""),
                created_at=datetime.fromtimestamp(created or 0, tz=UTC),
                import_ref=f"isso:{cid}",
                article_ref=str(tid),
                parent_ref=f"isso:{parent}" if parent else "",
                status=MODES.get(mode, PENDING),
                ip_address=addr or "",
                position=f"comment id={cid}",
            )
    finally:
        db.close()


def _json_position(error: Exception) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"line {error.lineno}, column {error.colno}"
    return "file"
