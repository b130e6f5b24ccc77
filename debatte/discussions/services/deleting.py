from django.db import transaction
from django.utils.translation import gettext as _

from debatte.accounts.models import User
from debatte.core.exceptions import ActionError, NotPermitted
from debatte.discussions.models import Comment, CommentStatus
from debatte.discussions.services.counters import adjust_reply_count, bump_version


def delete_comment(comment: Comment, *, actor: User) -> Comment:
    """Delete one's own comment: its text goes, a tombstone keeps its number and replies."""
    if comment.author_id != actor.pk:
        raise NotPermitted(_("You can only delete your own comments."))
    if comment.status == CommentStatus.DELETED:
        raise ActionError(_("This comment is already deleted."), code="already_deleted")
    was_published = comment.status == CommentStatus.PUBLISHED
    with transaction.atomic():
        comment.status = CommentStatus.DELETED
        comment.body = ""
        comment.is_editor_pick = False
        comment.save(update_fields=["status", "body", "is_editor_pick"])
        if comment.thread_id and not was_published:
            # A tombstone is visible; a comment that was not (pending) now counts as a reply.
            adjust_reply_count(comment.thread_id, +1)
        bump_version(comment.article_id, comments=-1 if was_published else 0)
    return comment
