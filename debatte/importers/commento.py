"""Commento (and Commento++) JSON exports: `{"version": 1, "comments": [...], "commenters": [...]}`.

Threads are the pages: keyed "commento-<domain and path slugified>". Bodies are Commento's
Markdown source (the `html` field is often empty), kept as plain text. Commenters with an
e-mail address become accounts; "anonymous" is a named guest. States: approved published,
unapproved and flagged pending; deleted a tombstone.
"""

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from debatte.importers.common import article_key, clean_email, load_json, parse_datetime, shaped
from debatte.importers.htmltext import html_to_text, plain_text
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
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def parse(raw: IO[bytes], problems: list[Problem]) -> Iterator[Item]:
    data = load_json(raw)
    if not isinstance(data, dict) or not isinstance(data.get("comments"), list):
        raise ImportFormatError("top level", "a Commento export has a list of comments")
    with shaped("commenters"):
        commenters = {str(c.get("commenterHex")): c for c in data.get("commenters") or []}
    pages: set[str] = set()
    for index, comment in enumerate(data["comments"]):
        with shaped(f"comment {index + 1}"):
            page = f"{comment.get('domain', '')}{comment.get('url', '')}"
            if page not in pages:
                pages.add(page)
                yield ArticleRecord(
                    key=article_key("commento", page),
                    title=page[:300],
                    ref=page,
                    canonical_url=_page_url(comment),
                )
            yield _comment(comment, page, commenters, index, problems)


def _comment(
    comment: dict[str, Any],
    page: str,
    commenters: dict[str, dict[str, Any]],
    index: int,
    problems: list[Problem],
) -> CommentRecord:
    hex_id = str(comment.get("commentHex") or "")
    position = f"comment {index + 1} ({hex_id[:12]})"
    person = commenters.get(str(comment.get("commenterHex")), {})
    name = str(person.get("name") or "Anonymous")
    markdown = str(comment.get("markdown") or "")
    body = plain_text(markdown) if markdown else html_to_text(str(comment.get("html") or ""))
    if not body:
        problems.append(Problem(position, "empty text"))
    state = str(comment.get("state") or "approved")
    status = PUBLISHED if state == "approved" else PENDING
    if comment.get("deleted"):
        status = DELETED
    parent = str(comment.get("parentHex") or "root")
    created = parse_datetime(str(comment.get("creationDate") or ""), position, problems)
    return CommentRecord(
        author_name=name[:80],
        body=body,
        created_at=created or EPOCH,
        import_ref=f"commento:{hex_id}",
        article_ref=page,
        parent_ref="" if parent == "root" else f"commento:{parent}",
        status=status,
        author_email=clean_email(str(person.get("email") or "")),
        position=position,
    )


def _page_url(comment: dict[str, Any]) -> str:
    """Commento names a page by its domain and path: the address (served over https)."""
    domain, path = str(comment.get("domain") or ""), str(comment.get("url") or "")
    if not domain or "/" in domain or not path.startswith("/"):
        return ""
    url = f"https://{domain}{path}"
    try:
        URLValidator(schemes=["https"])(url)
    except ValidationError:
        return ""  # an address Debatte would refuse: the page stays without one, unreported
    return url
