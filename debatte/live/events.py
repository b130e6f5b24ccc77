"""Receivers of discussion events (see debatte/discussions/events.py): live-update messages.

A message names the article, the comment's label and the discussion's counts after the change;
it never carries a comment's text (readers load what they are allowed to see from the page).
Events about unpublished comments (created, held) are not sent at all, nor are events nobody
can receive (no stream of the article open in this process, when there is no Redis).
"""

import logging
from typing import Any

from debatte.live.broker import may_reach, publish

logger = logging.getLogger(__name__)

LIVE_EVENTS = frozenset(
    {
        "comment.published",
        "comment.recommended",
        "comment.rejected",
        "comment.deleted",
        "comment.edited",
        "comment.shortened",
        "comment.featured",
    }
)


def build_message(name: str, comment: Any) -> dict[str, Any] | None:
    """The message for `name` about `comment`, with counts read after the commit (one query)."""
    from debatte.discussions.models import Comment

    row = (
        Comment.objects.filter(pk=comment.pk)
        .values_list(
            "recommendation_count", "article__key", "article__version", "article__comment_count"
        )
        .first()
    )
    if row is None:
        return None
    recommendations, article_key, version, count = row
    message: dict[str, Any] = {
        "type": name,
        "article": article_key,
        "comment": comment.label,
        "version": version,
        "count": count,
    }
    if name == "comment.recommended":
        message["recommendations"] = recommendations
    return message


def article_key(comment: Any) -> str | None:
    """The key of the comment's article if it is at hand (loaded with the comment), else None."""
    from debatte.discussions.models import Comment

    return comment.article.key if Comment.article.is_cached(comment) else None  # type: ignore[attr-defined]


def on_discussion_event(
    sender: Any, *, name: str, comment: Any = None, user: Any = None, **kwargs: Any
) -> None:
    if name not in LIVE_EVENTS or comment is None:
        return
    key = article_key(comment)
    if key is not None and not may_reach(key):
        # Nobody is listening: no query, no message. A stream opened after this check reads
        # the discussion's version after this commit (views.py), so it misses nothing.
        return
    message = build_message(name, comment)
    if message is not None:
        publish(message)


def connect() -> None:
    """Connect this module's receivers to `discussion_event` (called once at start-up)."""
    from debatte.discussions.events import discussion_event

    discussion_event.connect(on_discussion_event, dispatch_uid="debatte.live.events")
