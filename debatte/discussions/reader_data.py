"""A reader's comments, recommendations and reports: their part of the data export and of
deleting the account (registered with `accounts.forgetting` in `DiscussionsConfig.ready`)."""

from typing import Any

from django.db.models import F, Q

from debatte.accounts.forgetting import Departure, deleted_name, iso_time
from debatte.accounts.models import User
from debatte.discussions.events import send_event
from debatte.discussions.models import (
    Comment,
    CommentRevision,
    CommentStatus,
    Recommendation,
    Report,
)
from debatte.discussions.services.counters import bump_version
from debatte.discussions.services.status import change_status

BATCH = 500


def place(comment: Comment | None) -> dict[str, Any] | None:
    """A comment as readers find it: article key and title, number, author."""
    if comment is None:
        return None
    return {
        "article": comment.article.key,
        "article_title": comment.article.title,
        "number": comment.label,
        "author": comment.author_name,
        "url": comment.get_absolute_url(),
    }


# --- The data export ---------------------------------------------------------------------------


def export(user: User) -> dict[str, Any]:
    return {
        "comments": [_comment(c) for c in _comments(user)],
        "recommendations": [
            {"comment": place(r.comment), "created_at": iso_time(r.created_at)}
            for r in Recommendation.objects.filter(user=user)
            .select_related("comment__article")
            .order_by("created_at", "pk")
        ],
        "reports": [_report(r) for r in _reports(user)],
    }


def _comments(user: User) -> Any:
    return (
        Comment.objects.filter(author=user)
        .select_related("article")
        .prefetch_related("revisions")
        .order_by("created_at", "pk")
    )


def _comment(comment: Comment) -> dict[str, Any]:
    return {
        "article": comment.article.key,
        "article_title": comment.article.title,
        "number": comment.label,
        "in_reply_to": comment.parent_label or (f"#{comment.number}" if comment.is_reply else None),
        "url": comment.get_absolute_url(),
        "text": comment.body,
        "status": comment.status,
        "editor_pick": comment.is_editor_pick,
        "recommendations": comment.recommendation_count,
        "moderation_note": comment.moderation_note,
        "created_at": iso_time(comment.created_at),
        "edited_at": iso_time(comment.edited_at),
        "ip_address": comment.ip_address,
        "earlier_versions": [
            {"text": rev.body, "kind": rev.kind, "created_at": iso_time(rev.created_at)}
            for rev in comment.revisions.all()
        ],
    }


def _reports(user: User) -> Any:
    return (
        Report.objects.filter(reporter=user)
        .select_related("comment__article")
        .order_by("created_at", "pk")
    )


def _report(report: Report) -> dict[str, Any]:
    return {
        "comment": place(report.comment),
        "reason": report.reason,
        "explanation": report.explanation,
        "created_at": iso_time(report.created_at),
        "resolved_at": iso_time(report.resolved_at),
    }


# --- Deleting the account ----------------------------------------------------------------------


def forget(departure: Departure) -> None:
    """Comments become tombstones (numbers kept) or stay, signed "gelöschter Nutzer"; their IP
    addresses and earlier versions go; recommendations are withdrawn (counts follow); reports
    keep their reason, not the reader's words or address."""
    user = departure.user
    comments = Comment.objects.filter(author=user)
    if departure.remove_comments:
        departure.comments_removed = _remove_comments(user)
    else:
        departure.comments_kept = comments.exclude(status=CommentStatus.DELETED).count()
    article_ids = set(comments.values_list("article_id", flat=True).distinct())
    departure.comment_ids = set(comments.values_list("pk", flat=True))
    CommentRevision.objects.filter(comment__author=user).delete()
    comments.update(author_name=deleted_name(), ip_address=None)
    departure.recommendations_withdrawn = _withdraw_recommendations(user)
    for article_id in article_ids:
        bump_version(article_id)
    _forget_reports(user, departure.email)
    if departure.remove_comments:
        _forget_comment_texts(departure.comment_ids)


def _remove_comments(user: User) -> int:
    """Blank every text of the reader's; published and held comments become tombstones."""
    removed = 0
    for comment in Comment.objects.filter(author=user).exclude(status=CommentStatus.DELETED):
        if comment.status == CommentStatus.REJECTED:
            # Already a moderation tombstone: its note stays, the text goes.
            Comment.objects.filter(pk=comment.pk).update(body="", is_editor_pick=False)
        else:
            change_status(
                comment,
                CommentStatus.DELETED,
                body="",
                is_editor_pick=False,
                author_name=deleted_name(),
            )
            # The event's payload (webhooks) is built after commit: the account is gone then.
            comment.author_id = None
            send_event("comment.deleted", comment=comment)
        removed += 1
    return removed


def _withdraw_recommendations(user: User) -> int:
    """Take back the reader's recommendations, keeping the comments' counts right."""
    given = Recommendation.objects.filter(user=user)
    comment_ids = list(given.values_list("comment_id", flat=True))
    if not comment_ids:
        return 0
    Comment.objects.filter(pk__in=comment_ids).update(
        recommendation_count=F("recommendation_count") - 1
    )
    article_ids = set(
        Comment.objects.filter(pk__in=comment_ids).values_list("article_id", flat=True)
    )
    given.delete()
    for article_id in article_ids:
        bump_version(article_id)
    return len(comment_ids)


def _forget_reports(user: User, email: str) -> None:
    """Reports and notices by the reader keep their reason, not their words or address."""
    mine = Q(reporter=user)
    if email:
        mine |= Q(reporter__isnull=True, reporter_email__iexact=email)
    Report.objects.filter(mine).update(explanation="", reporter_name="", reporter_email="")


def _forget_comment_texts(comment_ids: set[int]) -> None:
    """Removed comments: what the checks found in the text (matched words) goes with it."""
    rows = list(Comment.objects.filter(pk__in=comment_ids).only("pk", "flags"))
    for comment in rows:
        flags = comment.flags if isinstance(comment.flags, list) else []
        comment.flags = [
            {k: v for k, v in flag.items() if k != "detail"}
            for flag in flags
            if isinstance(flag, dict)
        ]
        comment.score_reasons = []
    Comment.objects.bulk_update(rows, ["flags", "score_reasons"], batch_size=BATCH)
