"""Neutral records that every importer produces and the one loader writes.

A source module turns its format into a stream of `ArticleRecord`s (one per thread, identified
by `ref`) and `CommentRecord`s (pointing to their article by `article_ref` and to the comment
they answer by `parent_ref`). The stream may interleave them in any order; the staging area
groups them by article before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

PUBLISHED = "published"
PENDING = "pending"
REJECTED = "rejected"
DELETED = "deleted"


@dataclass
class CommentRecord:
    author_name: str
    body: str
    created_at: datetime
    # Numbers given by the source (the seed page); 0 means "assign in order of writing".
    number: int = 0
    reply_number: int = 0  # 0 for top-level comments
    age_text: str = ""  # the relative age as written in the source, if any
    # Where the comment came from: "disqus:12345", unique per article; re-imports skip it.
    import_ref: str = ""
    article_ref: str = ""
    parent_ref: str = ""  # import_ref of the comment answered ("" for top level)
    status: str = PUBLISHED
    # An e-mail address makes the author an account (claimable by a password reset); without
    # one, the author is a named guest (Comment.author None, author_name kept).
    author_email: str = ""
    ip_address: str = ""
    position: str = ""  # where in the file it was found, for messages

    def to_row(self) -> tuple[Any, ...]:
        return (
            self.author_name,
            self.body,
            self.created_at.isoformat(),
            self.import_ref,
            self.parent_ref,
            self.status,
            self.author_email,
            self.ip_address,
            self.position,
        )

    @classmethod
    def from_row(cls, article_ref: str, row: tuple[Any, ...]) -> CommentRecord:
        name, body, created, ref, parent, status, email, ip, position = row
        return cls(
            author_name=name,
            body=body,
            created_at=datetime.fromisoformat(created),
            import_ref=ref,
            article_ref=article_ref,
            parent_ref=parent,
            status=status,
            author_email=email,
            ip_address=ip,
            position=position,
        )


@dataclass
class ArticleRecord:
    key: str
    title: str
    lead: str = ""
    body: list[dict[str, str]] = field(default_factory=list)
    published_at: datetime | None = None
    comments: list[CommentRecord] = field(default_factory=list)
    ref: str = ""  # the source's id of the thread, as comments refer to it
    canonical_url: str = ""
    # The page's id in the embedding site (Disqus's `<id>`, the publisher's identifier): with a
    # site named, the thread becomes that site's article for this id (articles.keys).
    page_id: str = ""
    # The page's path when the source knows no host (Isso): read on the named site's origin.
    page_path: str = ""
    discussion_status: str = ""  # "" keeps the default (open); "closed"; "none"
    # Import every comment-less thread too (WordPress posts are articles in their own right).
    keep_without_comments: bool = False
    position: str = ""


@dataclass
class Problem:
    """Something found in a file: where, and what was done about it."""

    position: str
    message: str

    def __str__(self) -> str:
        return f"{self.position}: {self.message}" if self.position else self.message


@dataclass
class ImportReport:
    """What an import did (or, dry, would do): the command prints its summary."""

    format: str
    dry_run: bool = False
    articles_created: int = 0
    articles_existing: int = 0
    comments_added: int = 0
    comments_skipped: int = 0
    accounts_created: int = 0
    problems: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        verb = "would import" if self.dry_run else "imported"
        return (
            f"{self.format}: {verb} {self.comments_added} comments "
            f"({self.comments_skipped} already there) in {self.articles_created} new and "
            f"{self.articles_existing} existing articles, {self.accounts_created} new accounts; "
            f"{len(self.problems)} problems"
        )


class ImportFormatError(Exception):
    """A file that cannot be imported at all; nothing of it was written."""

    def __init__(self, position: str, reason: str) -> None:
        super().__init__(f"{position}: {reason}" if position else reason)
        self.position = position
        self.reason = reason
