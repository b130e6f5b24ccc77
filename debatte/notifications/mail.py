"""Receivers of discussion events (see debatte/discussions/events.py) that queue e-mails.

They run after the write committed, look only as far as needed to decide whether anyone wants
a mail, and leave the sending to a background task (debatte/notifications/tasks.py).
"""

from typing import Any

from debatte.discussions.events import discussion_event


def on_comment_published(comment: Any) -> None:
    """A published reply: its parent's author may want to know (not when answering oneself)."""
    from debatte.discussions.models import Comment
    from debatte.notifications.tasks import send_reply_mail

    if comment is None or not comment.parent_id:
        return
    wants_mail = (
        Comment.objects.filter(
            pk=comment.parent_id, author__notify_replies=True, author__email__isnull=False
        )
        .exclude(author_id=comment.author_id)
        .exists()
    )
    if wants_mail:
        send_reply_mail.enqueue(comment.pk)


def on_comment_featured(comment: Any) -> None:
    from debatte.notifications.tasks import send_editor_pick_mail

    author = getattr(comment, "author", None) if comment is not None else None
    if author is not None and author.notify_editor_pick and author.email:
        send_editor_pick_mail.enqueue(comment.pk)


HANDLERS = {
    "comment.published": on_comment_published,
    "comment.featured": on_comment_featured,
}


def receive(sender: Any, *, name: str, comment: Any = None, **kwargs: Any) -> None:
    handler = HANDLERS.get(name)
    if handler is not None:
        handler(comment)


def connect() -> None:
    """Connect this module's receivers to `discussion_event` (called once at start-up)."""
    discussion_event.connect(receive, dispatch_uid="debatte.notifications.mail")
