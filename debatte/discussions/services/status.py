"""The one place a comment's status changes, so that counters follow every transition."""

from typing import Any

from debatte.discussions.models import VISIBLE_STATUSES, Comment, CommentStatus
from debatte.discussions.services.counters import adjust_reply_count, bump_version


def change_status(comment: Comment, status: str, **fields: Any) -> str:
    """Set `status` (and other fields) on a comment inside the caller's transaction.

    Returns the status before. Counters: `comment_count` counts published comments,
    a thread's `reply_count` counts the replies readers see (published and tombstones).
    """
    before = comment.status
    comment.status = status
    for name, value in fields.items():
        setattr(comment, name, value)
    comment.save(update_fields=["status", *fields])
    published = int(status == CommentStatus.PUBLISHED) - int(before == CommentStatus.PUBLISHED)
    visible = int(status in VISIBLE_STATUSES) - int(before in VISIBLE_STATUSES)
    if comment.thread_id and visible:
        adjust_reply_count(comment.thread_id, visible)
    bump_version(comment.article_id, comments=published)
    return before
