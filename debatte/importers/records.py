"""Neutral records that every importer produces and the one loader writes."""

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class CommentRecord:
    author_name: str
    body: str
    created_at: datetime
    number: int
    reply_number: int = 0  # 0 for top-level comments
    age_text: str = ""  # the relative age as written in the source, if any


@dataclass
class ArticleRecord:
    key: str
    title: str
    lead: str = ""
    body: list[dict[str, str]] = field(default_factory=list)
    published_at: datetime | None = None
    comments: list[CommentRecord] = field(default_factory=list)
