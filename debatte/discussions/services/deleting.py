from django.db import transaction
from django.utils.translation import gettext as _

from debatte.accounts.models import User
from debatte.core.audit import record
from debatte.core.exceptions import ActionError, NotPermitted
from debatte.discussions.events import send_event
from debatte.discussions.models import Comment, CommentStatus
from debatte.discussions.services.status import change_status


def delete_comment(comment: Comment, *, actor: User) -> Comment:
    """Delete one's own comment: its text goes, a tombstone keeps its number and replies."""
    if comment.author_id != actor.pk:
        raise NotPermitted(_("You can only delete your own comments."))
    if comment.status == CommentStatus.DELETED:
        raise ActionError(_("This comment is already deleted."), code="already_deleted")
    with transaction.atomic():
        before = change_status(comment, CommentStatus.DELETED, body="", is_editor_pick=False)
        record("comment.delete", actor=actor, comment=comment, before=before, after="deleted")
        send_event("comment.deleted", comment=comment)
    return comment
