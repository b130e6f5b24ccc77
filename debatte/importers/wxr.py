"""WordPress eXtended RSS (WXR 1.0, 1.1, 1.2, over http or https namespaces).

Every published post and page becomes an article keyed "wp-<blog host>-<post id>" (post ids
are only unique within one blog) with its text as
paragraphs; any other item (draft, attachment, ...) only when it has comments. Comments keep
their WordPress ids ("wp:<comment id>"), parents and approval state (1 published, 0 pending,
spam rejected, trash deleted); pingbacks and trackbacks are imported as what they are: comments
by the linking site. Registered commenters (a user id) with an e-mail address become accounts,
everyone else a named guest. Bodies are WordPress HTML with its newline convention.
"""

import html
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import IO
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

from debatte.importers.common import article_key, clean_email, parse_datetime
from debatte.importers.htmltext import html_to_text
from debatte.importers.records import (
    DELETED,
    PENDING,
    PUBLISHED,
    REJECTED,
    ArticleRecord,
    CommentRecord,
    Problem,
)
from debatte.importers.xmlstream import child_text, iter_elements, local

Item = ArticleRecord | CommentRecord
CONTENT_NS = "{http://purl.org/rss/1.0/modules/content/}"
APPROVAL = {"1": PUBLISHED, "0": PENDING, "spam": REJECTED, "trash": DELETED}
ARTICLE_TYPES = ("post", "page")


def parse(
    raw: IO[bytes], problems: list[Problem], progress: Callable[[int], None] | None = None
) -> Iterator[Item]:
    stack: list[Element] = []
    blog = ""
    for event, element, _reader in iter_elements(raw, problems, progress=progress):
        if event == "start":
            stack.append(element)
            continue
        stack.pop()
        name = local(element.tag)
        if len(stack) == 2 and name in ("link", "base_blog_url") and not blog:
            blog = _host((element.text or "").strip(), problems)
        if name == "item" and stack:
            yield from read_item(element, blog, problems)
            stack[-1].clear()  # constant memory: forget finished items


def _host(link: str, problems: list[Problem]) -> str:
    """The blog's host name, which keeps post ids of different blogs apart."""
    try:
        return urlsplit(link).netloc
    except ValueError:  # "https://[broken": urlsplit checks bracketed hosts
        problems.append(Problem("channel", f"blog address {link[:80]!r} unreadable: ignored"))
        return ""


def read_item(item: Element, blog: str, problems: list[Problem]) -> Iterator[Item]:
    post_id = child_text(item, "post_id")
    position = f"item wp:post_id={post_id}"
    comments = [c for c in item if local(c.tag) == "comment"]
    post_type = child_text(item, "post_type") or "post"
    published = child_text(item, "status") == "publish" and post_type in ARTICLE_TYPES
    if not post_id or not (published or comments):
        return
    date = parse_datetime(child_text(item, "post_date_gmt"), position, [])
    date = date or parse_datetime(child_text(item, "post_date"), position, problems)
    link = child_text(item, "link")
    yield ArticleRecord(
        key=article_key("wp", f"{blog.replace('.', '-')}-{post_id}" if blog else post_id),
        title=(child_text(item, "title") or link or f"WordPress {post_type} {post_id}")[:300],
        body=_body_blocks(item),
        ref=post_id,
        canonical_url=link if link.startswith(("http://", "https://")) else "",
        published_at=date,
        discussion_status="closed" if child_text(item, "comment_status") == "closed" else "",
        keep_without_comments=True,
        position=position,
    )
    last = date or datetime(1970, 1, 1, tzinfo=UTC)
    for element in comments:
        comment = read_comment(element, post_id, last, problems)
        last = comment.created_at
        yield comment


def _body_blocks(item: Element) -> list[dict[str, str]]:
    content = next((c for c in item if c.tag == CONTENT_NS + "encoded"), None)
    text = html_to_text(content.text or "", keep_newlines=True) if content is not None else ""
    return [{"kind": "paragraph", "text": p} for p in text.split("\n\n") if p.strip()]


def read_comment(
    element: Element, post_id: str, last: datetime, problems: list[Problem]
) -> CommentRecord:
    comment_id = child_text(element, "comment_id")
    position = f"comment wp:comment_id={comment_id} (post {post_id})"
    created = parse_datetime(child_text(element, "comment_date_gmt"), position, [])
    created = created or parse_datetime(child_text(element, "comment_date"), position, problems)
    if created is None:
        problems.append(Problem(position, "no date: dated like the comment before it"))
        created = last
    approved = child_text(element, "comment_approved") or "1"
    status = APPROVAL.get(approved, PENDING)
    if approved not in APPROVAL:
        problems.append(Problem(position, f"approval {approved!r} unknown: held as pending"))
    parent = child_text(element, "comment_parent")
    registered = child_text(element, "comment_user_id") not in ("", "0")
    name = html.unescape(child_text(element, "comment_author")) or "Gast"
    return CommentRecord(
        author_name=name[:80],
        body=html_to_text(_raw_text(element, "comment_content"), keep_newlines=True),
        created_at=created,
        import_ref=f"wp:{comment_id}",
        article_ref=post_id,
        parent_ref=f"wp:{parent}" if parent not in ("", "0") else "",
        status=status,
        author_email=clean_email(child_text(element, "comment_author_email")) if registered else "",
        ip_address=child_text(element, "comment_author_IP"),
        position=position,
    )


def _raw_text(element: Element, name: str) -> str:
    for child in element:
        if local(child.tag) == name:
            return child.text or ""
    return ""
