from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from debatte.accounts.models import User
from debatte.core.exceptions import ActionError, NotPermitted
from debatte.discussions.models import Comment, CommentStatus
from debatte.discussions.services.counters import bump_version
from debatte.discussions.services.posting import check_comment_text


def check_can_edit(comment: Comment, editor: User) -> None:
    if comment.author_id != editor.pk:
        raise NotPermitted(_("You can only edit your own comments."))
    if comment.status not in (CommentStatus.PUBLISHED, CommentStatus.PENDING):
        raise ActionError(_("This comment can no longer be edited."), code="not_editable")
    if timezone.now() > comment.editable_until():
        raise ActionError(_("The time for editing this comment is over."), code="edit_window")


def edit_comment(comment: Comment, *, editor: User, body: str) -> Comment:
    """Change the text of one's own comment within the edit window; marks it "bearbeitet"."""
    check_can_edit(comment, editor)
    text = check_comment_text(body)
    if text == comment.body:
        return comment
    with transaction.atomic():
        comment.body = text
        comment.edited_at = timezone.now()
        comment.save(update_fields=["body", "edited_at"])
        bump_version(comment.article_id)
    return comment
