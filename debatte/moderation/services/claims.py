"""Claims: the moderator looking at a comment holds it for a while, so two never decide it."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from debatte.accounts.models import User
from debatte.discussions.models import Comment
from debatte.moderation.services.permissions import check_can_moderate

CLAIM_DURATION = timedelta(minutes=3)


def claim_comment(comment: Comment, *, moderator: User) -> bool:
    """Claim `comment` for `moderator`; False when another moderator holds it right now."""
    check_can_moderate(moderator, comment.article.site_id)
    now = timezone.now()
    # One conditional UPDATE: whoever's update matches first gets the claim.
    claimed = (
        Comment.objects.filter(pk=comment.pk)
        .filter(Q(claimed_by__isnull=True) | Q(claimed_until__lt=now) | Q(claimed_by=moderator))
        .update(claimed_by=moderator, claimed_until=now + CLAIM_DURATION)
    )
    comment.refresh_from_db(fields=["claimed_by", "claimed_until"])
    return bool(claimed)


def release_comment(comment: Comment, *, moderator: User) -> None:
    Comment.objects.filter(pk=comment.pk, claimed_by=moderator).update(
        claimed_by=None, claimed_until=None
    )


def is_claimed_by_other(comment: Comment, moderator: User) -> bool:
    return (
        comment.claimed_by_id is not None
        and comment.claimed_by_id != moderator.pk
        and comment.claimed_until is not None
        and comment.claimed_until > timezone.now()
    )
