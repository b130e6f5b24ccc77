"""Remark42: its backup (JSON Lines: a metadata line, then one comment per line), and plain
JSON lists or trees of its comments (`[{...}]`, `{"comments": [{"comment": ..., "replies": ...}]}`).

Threads are the pages (`locator.url`), keyed "remark42-<url slugified>"; pages marked read-only
in the backup's metadata are imported closed. Remark42 has no e-mail addresses: every author is
a named guest. Bodies are HTML. A comment whose parent is missing becomes top level (reported).
"""

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import IO, Any

from debatte.importers.common import article_key, load_json, parse_datetime, shaped
from debatte.importers.htmltext import html_to_text
from debatte.importers.records import (
    DELETED,
    PUBLISHED,
    ArticleRecord,
    CommentRecord,
    Problem,
)

Item = ArticleRecord | CommentRecord


class _Reader:
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        self.pages: set[str] = set()
        self.last = datetime(1970, 1, 1, tzinfo=UTC)

    def page(self, url: str, *, closed: bool = False) -> Iterator[ArticleRecord]:
        if url not in self.pages:
            self.pages.add(url)
            yield ArticleRecord(
                key=article_key("remark42", url),
                title=url[:300],
                ref=url,
                canonical_url=url if url.startswith(("http://", "https://")) else "",
                discussion_status="closed" if closed else "",
            )

    def comment(self, data: dict[str, Any], position: str) -> Iterator[Item]:
        url = str((data.get("locator") or {}).get("url") or "")
        user = data.get("user") or {}
        created = parse_datetime(str(data.get("time") or ""), position, self.problems)
        if created is None:
            self.problems.append(Problem(position, "no date: dated like the comment before it"))
        self.last = created or self.last
        parent = str(data.get("pid") or "")
        yield from self.page(url)
        yield CommentRecord(
            author_name=str(user.get("name") or user.get("id") or "Gast")[:80],
            body=html_to_text(str(data.get("text") or "")),
            created_at=self.last,
            import_ref=f"remark42:{data.get('id')}",
            article_ref=url,
            parent_ref=f"remark42:{parent}" if parent else "",
            status=DELETED if data.get("delete") else PUBLISHED,
            position=position,
        )


def parse_backup(raw: IO[bytes], problems: list[Problem]) -> Iterator[Item]:
    """The backup, line by line (constant memory)."""
    reader = _Reader(problems)
    for number, line in enumerate(raw, start=1):
        text = line.strip()
        if not text:
            continue
        data = load_json(text, f"line {number}")
        with shaped(f"line {number}"):
            if number == 1 and "version" in data:
                for post in data.get("posts") or []:
                    yield from reader.page(
                        str(post.get("url") or ""), closed=bool(post.get("read_only"))
                    )
                continue
            yield from reader.comment(data, f"line {number}")


def parse_json(raw: IO[bytes], problems: list[Problem]) -> Iterator[Item]:
    """A JSON list of comments, or a tree of them."""
    data = load_json(raw)
    reader = _Reader(problems)
    with shaped("top level"):
        comments = data if isinstance(data, list) else list(_flatten(data.get("comments") or []))
    for index, comment in enumerate(comments):
        with shaped(f"comment {index + 1}"):
            yield from reader.comment(comment, f"comment {index + 1} (id {comment.get('id')})")


def _flatten(nodes: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for node in nodes:
        yield node.get("comment") or {}
        yield from _flatten(node.get("replies") or [])
