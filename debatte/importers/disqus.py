"""Disqus XML exports (`<disqus>` with `<thread>`s and then `<post>`s).

Threads become articles keyed "disqus-<dsq:id>" (the thread's stable id; `<id>`, the site's own
identifier, is often empty; imported into a site, a thread with an `<id>` becomes the site's
article for it, see debatte.articles.keys). Posts refer to their thread and parent by dsq:id.
Deleted posts become tombstones (status deleted, replies kept), spam becomes rejected,
anonymous authors are named guests, others with an e-mail address accounts. Threads without
posts are not imported; posts of unknown threads (orphans) are skipped and reported; a deleted
thread is imported with its discussion hidden (status "none").
"""

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import IO
from xml.etree.ElementTree import Element

from debatte.importers.common import (
    article_key,
    clean_email,
    fallback_ref,
    parse_datetime,
    parse_flag,
)
from debatte.importers.htmltext import html_to_text
from debatte.importers.records import (
    DELETED,
    PUBLISHED,
    REJECTED,
    ArticleRecord,
    CommentRecord,
    Problem,
)
from debatte.importers.xmlstream import attribute, child_text, find_child, iter_elements, local

Item = ArticleRecord | CommentRecord
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def parse(
    raw: IO[bytes], problems: list[Problem], progress: Callable[[int], None] | None = None
) -> Iterator[Item]:
    depth = 0
    root: Element | None = None
    last_date = EPOCH
    for event, element, _reader in iter_elements(raw, problems, progress=progress):
        if event == "start":
            depth += 1
            if depth == 1:
                root = element
            continue
        depth -= 1
        if depth != 1:
            continue
        name = local(element.tag)
        if name == "thread":
            yield read_thread(element, problems)
        elif name == "post":
            comment = read_post(element, problems, last_date)
            if comment is not None:
                last_date = comment.created_at
                yield comment
        if root is not None:
            root.clear()  # constant memory: forget every finished top-level element


def read_thread(element: Element, problems: list[Problem]) -> ArticleRecord:
    dsq_id = attribute(element, "id")
    position = f"thread dsq:id={dsq_id}"
    link = child_text(element, "link")
    identifier = child_text(element, "id")  # the site's own id of the page, often empty
    title = child_text(element, "title") or link or f"Disqus thread {dsq_id}"
    status = ""
    if parse_flag(child_text(element, "isClosed"), position, "isClosed", problems):
        status = "closed"
    if parse_flag(child_text(element, "isDeleted"), position, "isDeleted", problems):
        status = "none"
        problems.append(Problem(position, "thread deleted in Disqus: imported without discussion"))
    return ArticleRecord(
        key=article_key("disqus", dsq_id),
        title=title[:300],
        ref=dsq_id,
        canonical_url=link if link.startswith(("http://", "https://")) else "",
        page_id=identifier.strip(),
        published_at=parse_datetime(child_text(element, "createdAt"), position, problems),
        discussion_status=status,
        position=position,
    )


def read_post(
    element: Element, problems: list[Problem], last_date: datetime
) -> CommentRecord | None:
    dsq_id = attribute(element, "id")
    thread_id = attribute(find_child(element, "thread"), "id")
    position = f"post dsq:id={dsq_id}" if dsq_id else f"post in thread {thread_id}"
    message = find_child(element, "message")
    body = html_to_text("".join(message.itertext()) if message is not None else "")
    author = find_child(element, "author")
    name = email = ""
    anonymous = True
    if author is not None:
        name = child_text(author, "name") or child_text(author, "username")
        email = clean_email(child_text(author, "email"))
        anonymous = parse_flag(child_text(author, "isAnonymous"), position, "isAnonymous", problems)
    created = parse_datetime(child_text(element, "createdAt"), position, problems)
    if created is None:
        problems.append(Problem(position, "no readable date: dated like the post before it"))
        created = last_date
    ref = f"disqus:{dsq_id}"
    if not dsq_id:
        ref = fallback_ref("disqus", thread_id, created.isoformat(), name, body)
        problems.append(Problem(position, f"post without dsq:id: referenced as {ref}"))
    status = PUBLISHED
    if parse_flag(child_text(element, "isSpam"), position, "isSpam", problems):
        status = REJECTED
    if parse_flag(child_text(element, "isDeleted"), position, "isDeleted", problems):
        status = DELETED
    parent_id = attribute(find_child(element, "parent"), "id")
    return CommentRecord(
        author_name=(name or "Gast")[:80],
        body=body,
        created_at=created,
        import_ref=ref,
        article_ref=thread_id,
        parent_ref=f"disqus:{parent_id}" if parent_id else "",
        status=status,
        author_email="" if anonymous else email,
        ip_address=child_text(element, "ipAddress"),
        position=position,
    )
