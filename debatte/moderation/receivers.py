"""The moderation's receivers of discussion events."""

from typing import Any

from django.conf import settings

from debatte.discussions.events import discussion_event


def _score_new_comment(sender: Any, *, name: str, comment: Any = None, **kwargs: Any) -> None:
    wanted = name in {"comment.created", "comment.edited"} and comment is not None
    if wanted and settings.DEBATTE.get("FULL_SCORER"):
        from debatte.moderation.tasks import score_comment_fully

        score_comment_fully.enqueue(comment.pk)


def connect() -> None:
    discussion_event.connect(_score_new_comment, dispatch_uid="moderation-full-scoring")
