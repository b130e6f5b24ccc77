"""Restrict the author of a queue item (warn, suspend, ban, always pre-moderate), optionally
removing the comment in the same transaction: the queue's "Restrict …" form."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from debatte.accounts.models import User
from debatte.core.exceptions import ActionError
from debatte.discussions.models import Comment, CommentStatus
from debatte.moderation.models import Reason
from debatte.moderation.services.decisions import reject_comment
from debatte.moderation.services.users import (
    ban_user,
    set_premoderation,
    suspend_user,
    warn_user,
)

AUTHOR_ACTIONS = ("warn", "suspend", "ban", "premoderate")


@dataclass(frozen=True)
class AuthorActionResult:
    author: User
    action: str
    days: int | None = None
    removed: bool = False


def restrict_comment_author(
    comment: Comment,
    *,
    moderator: User,
    action: str,
    ground: str,
    days: int | None = None,
    reason: Reason | None = None,
    remove: bool = False,
) -> AuthorActionResult:
    """Restrict the comment's author on its site; with `remove` and a reason, also remove a
    pending or published comment. Each step writes its own audit entry; all or nothing."""
    author = comment.author
    if author is None:
        raise ActionError(_("The author's account no longer exists."), code="no_author")
    if action not in AUTHOR_ACTIONS:
        raise ActionError(_("Unknown action."), code="action")
    with transaction.atomic():
        _restrict(author, moderator=moderator, action=action, ground=ground, days=days, on=comment)
        removable = comment.status in (CommentStatus.PENDING, CommentStatus.PUBLISHED)
        removed = remove and reason is not None and removable
        if removed and reason is not None:
            reject_comment(comment, moderator=moderator, reason=reason)
    return AuthorActionResult(author, action, days if action == "suspend" else None, removed)


def _restrict(
    author: User, *, moderator: User, action: str, ground: str, days: int | None, on: Comment
) -> None:
    if action == "warn":
        warn_user(author, moderator=moderator, reason=ground, comment=on)
    elif action == "suspend":
        if not days:
            raise ActionError(_("Suspend for 1 to 365 days."), code="days")
        suspend_user(author, moderator=moderator, days=days, reason=ground, comment=on)
    elif action == "ban":
        ban_user(author, moderator=moderator, reason=ground, comment=on)
    else:
        set_premoderation(author, moderator=moderator, enabled=True, reason=ground, comment=on)
