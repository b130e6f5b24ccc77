from django.db import transaction
from django.utils.translation import gettext as _

from debatte.accounts.models import User
from debatte.core.exceptions import ActionError
from debatte.discussions.events import send_event
from debatte.discussions.models import Comment, CommentStatus
from debatte.discussions.services.counters import bump_version


def set_editor_pick(comment: Comment, *, actor: User, picked: bool = True) -> Comment:
    """Mark (or unmark) a comment as "Redaktionsempfehlung": the write only.

    A pick is a moderation decision: `moderation.services.decisions.feature_comment` checks
    the role on the article's site and writes the audit entry, then calls this. Nothing else
    should (the page, the queue, the API and the admin all go through it).
    """
    if picked and comment.status != CommentStatus.PUBLISHED:
        raise ActionError(_("Only published comments can be recommended."), code="not_published")
    with transaction.atomic():
        comment.is_editor_pick = picked
        comment.save(update_fields=["is_editor_pick"])
        bump_version(comment.article_id)
        if picked:
            send_event("comment.featured", comment=comment, user=actor)
    return comment
