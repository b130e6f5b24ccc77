from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from debatte.accounts.models import User
from debatte.core.exceptions import ActionError, NotPermitted
from debatte.discussions.events import send_event
from debatte.discussions.models import Comment, CommentStatus, Recommendation
from debatte.discussions.services.access import check_may_act_on_site
from debatte.discussions.services.counters import bump_version
from debatte.discussions.services.throttling import check_action_throttle


def recommend_comment(comment: Comment, *, user: User, ip_address: str | None = None) -> bool:
    """Add a reader's recommendation; returns False when they had already recommended it.

    Raises Throttled when the reader (or their address) recommends too often."""
    check_may_act_on_site(user, comment.article.site)
    if comment.author_id == user.pk:
        raise NotPermitted(_("You cannot recommend your own comment."))
    if comment.status != CommentStatus.PUBLISHED:
        raise ActionError(_("This comment cannot be recommended."), code="not_published")
    check_action_throttle("recommend", user=user, ip_address=ip_address)
    try:
        with transaction.atomic():
            Recommendation.objects.create(comment=comment, user=user)
            Comment.objects.filter(pk=comment.pk).update(
                recommendation_count=F("recommendation_count") + 1
            )
            bump_version(comment.article_id)
            send_event("comment.recommended", comment=comment, user=user)
    except IntegrityError:
        return False
    comment.refresh_from_db(fields=["recommendation_count"])
    return True


def withdraw_recommendation(comment: Comment, *, user: User, ip_address: str | None = None) -> bool:
    """Take a recommendation back; returns False when there was none.

    Counts against the same limit as recommending: toggling is one kind of action."""
    check_action_throttle("recommend", user=user, ip_address=ip_address)
    with transaction.atomic():
        deleted, _details = Recommendation.objects.filter(comment=comment, user=user).delete()
        if not deleted:
            return False
        Comment.objects.filter(pk=comment.pk).update(
            recommendation_count=F("recommendation_count") - 1
        )
        bump_version(comment.article_id)
        send_event("comment.recommended", comment=comment, user=user)
    comment.refresh_from_db(fields=["recommendation_count"])
    return True
