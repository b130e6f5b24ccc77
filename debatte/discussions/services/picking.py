from django.db import transaction
from django.utils.translation import gettext as _

from debatte.accounts.models import User
from debatte.core.exceptions import ActionError, NotPermitted
from debatte.discussions.events import send_event
from debatte.discussions.models import Comment, CommentStatus
from debatte.discussions.services.counters import bump_version
from debatte.moderation.services.permissions import can_moderate


def set_editor_pick(comment: Comment, *, actor: User, picked: bool = True) -> Comment:
    """Mark (or unmark) a comment as "Redaktionsempfehlung"; staff only."""
    if not (actor.is_staff or can_moderate(actor, comment.article.site_id)):
        raise NotPermitted(_("Only the editors can recommend comments."))
    if picked and comment.status != CommentStatus.PUBLISHED:
        raise ActionError(_("Only published comments can be recommended."), code="not_published")
    with transaction.atomic():
        comment.is_editor_pick = picked
        comment.save(update_fields=["is_editor_pick"])
        bump_version(comment.article_id)
        if picked:
            send_event("comment.featured", comment=comment, user=actor)
    return comment
