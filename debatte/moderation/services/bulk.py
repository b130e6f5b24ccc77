"""Approve or remove many queue items at once; items another moderator holds are skipped."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from debatte.accounts.models import User
from debatte.core.exceptions import ActionError
from debatte.discussions.models import Comment
from debatte.moderation.models import Reason, ReasonKind
from debatte.moderation.services.claims import claim_comment, release_comment
from debatte.moderation.services.decisions import approve_comment, reject_comment
from debatte.moderation.services.permissions import sites_moderated_by

BULK_ACTIONS = ("approve", "reject")
# At most this many comments per request (two pages of a queue).
BULK_LIMIT = 100


@dataclass
class BulkResult:
    done: int = 0
    skipped: list[str] = field(default_factory=list)  # labels ("#12.3") of skipped comments


def decide_comments(
    comment_ids: list[int], *, moderator: User, action: str, reason_code: str = ""
) -> BulkResult:
    """Approve or reject (with the reason of that code on each comment's site) the comments of
    the moderator's sites among `comment_ids`, one decision (and audit entry) each. A comment
    another moderator holds, or one the decision does not apply to, is skipped."""
    if action not in BULK_ACTIONS:
        raise ActionError(_("Unknown action."), code="action")
    comments = list(
        Comment.objects.select_related("article", "author")
        .filter(pk__in=comment_ids[:BULK_LIMIT], article__site__in=sites_moderated_by(moderator))
        .order_by("pk")
    )
    reasons = _reasons(comments, reason_code) if action == "reject" else {}
    result = BulkResult()
    for comment in comments:
        if not claim_comment(comment, moderator=moderator):
            result.skipped.append(comment.label)
            continue
        try:
            _decide(comment, moderator=moderator, action=action, reasons=reasons)
        except ActionError:
            result.skipped.append(comment.label)
            continue
        finally:
            release_comment(comment, moderator=moderator)
        result.done += 1
    return result


def _reasons(comments: list[Comment], code: str) -> dict[int, Reason]:
    """The active rejection reason of that code on each of the comments' sites, by site id."""
    rows = Reason.objects.filter(
        site_id__in={c.article.site_id for c in comments},
        kind=ReasonKind.REJECT,
        code=code,
        is_active=True,
    )
    return {reason.site_id: reason for reason in rows}


def _decide(comment: Comment, *, moderator: User, action: str, reasons: dict[int, Reason]) -> None:
    if action == "approve":
        approve_comment(comment, moderator=moderator)
        return
    reason = reasons.get(comment.article.site_id or 0)
    if reason is None:
        raise ActionError(_("This site has no such reason."), code="reason")
    reject_comment(comment, moderator=moderator, reason=reason)
