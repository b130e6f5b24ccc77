from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from debatte.accounts.models import User
from debatte.articles.models import Article, DiscussionStatus, Site
from debatte.articles.services import set_discussion_hours, set_discussion_status
from debatte.core.exceptions import ActionError
from debatte.moderation.audit import record
from debatte.moderation.services.permissions import check_can_moderate


def _set_status(
    article: Article, status: str, *, actor: User | None, verb: str, reason: str
) -> Article:
    return set_discussion_status(article, actor=actor, status=status, verb=verb, reason=reason)


def close_discussion(article: Article, *, moderator: User, reason: str = "") -> Article:
    check_can_moderate(moderator, article.site_id)
    if article.discussion_status != DiscussionStatus.OPEN:
        raise ActionError(_("The discussion is not open."), code="not_open")
    return _set_status(
        article, DiscussionStatus.CLOSED, actor=moderator, verb="discussion.close", reason=reason
    )


def reopen_discussion(article: Article, *, moderator: User, reason: str = "") -> Article:
    check_can_moderate(moderator, article.site_id)
    if article.discussion_status != DiscussionStatus.CLOSED and not article.discussion_closes_at:
        raise ActionError(_("The discussion is not closed."), code="not_closed")
    with transaction.atomic():
        Article.objects.filter(pk=article.pk).update(discussion_closes_at=None)
        article.discussion_closes_at = None
        return _set_status(
            article, DiscussionStatus.OPEN, actor=moderator, verb="discussion.reopen", reason=reason
        )


def schedule_discussion(
    article: Article, *, moderator: User, opens_at: datetime | None, closes_at: datetime | None
) -> Article:
    """Opening hours: the discussion takes comments from `opens_at` until `closes_at`."""
    check_can_moderate(moderator, article.site_id)
    return set_discussion_hours(article, actor=moderator, opens_at=opens_at, closes_at=closes_at)


def _expired(now: datetime) -> list[Article]:
    """Open discussions past their site's auto-close age (one query per site that has one)."""
    found: list[Article] = []
    for site_id, days in Site.objects.filter(auto_close_days__gt=0).values_list(
        "pk", "auto_close_days"
    ):
        found.extend(
            Article.objects.filter(
                site_id=site_id,
                discussion_status=DiscussionStatus.OPEN,
                published_at__lte=now - timedelta(days=days or 0),
            ).select_related("site")
        )
    return found


def close_expired_discussions(now: datetime | None = None) -> int:
    """Close open discussions past their site's auto-close age (run by a scheduled task).

    Idempotent, also when two workers run it at once: each close is an UPDATE on the status
    still being open, and only the run whose UPDATE changed the row logs it.
    """
    now = now or timezone.now()
    closed = 0
    for article in _expired(now):
        with transaction.atomic():
            changed = Article.objects.filter(
                pk=article.pk, discussion_status=DiscussionStatus.OPEN
            ).update(discussion_status=DiscussionStatus.CLOSED, version=F("version") + 1)
            if not changed:
                continue
            article.discussion_status = DiscussionStatus.CLOSED
            record(
                "discussion.auto_close",
                article=article,
                before=DiscussionStatus.OPEN,
                after=DiscussionStatus.CLOSED,
                reason=f"{article.site.auto_close_days} days after publication",
            )
        closed += 1
    return closed
