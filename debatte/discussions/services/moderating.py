"""Status changes that moderators decide; called by debatte.moderation's decision services,
which check permissions and write the audit log and statements of reasons."""

from datetime import datetime

from django.utils import timezone

from debatte.accounts.models import User
from debatte.core.text import normalise_comment_text
from debatte.discussions.events import send_event
from debatte.discussions.models import Comment, CommentRevision, CommentStatus, Report
from debatte.discussions.services.counters import bump_version
from debatte.discussions.services.status import change_status


def publish_comment(comment: Comment, *, moderator: User | None) -> str:
    if comment.status != CommentStatus.PUBLISHED:
        send_event("comment.published", comment=comment)
    return change_status(
        comment,
        CommentStatus.PUBLISHED,
        moderation_note="",
        moderated_at=timezone.now(),
        moderated_by=moderator,
        claimed_by=None,
        claimed_until=None,
    )


def remove_comment(comment: Comment, *, moderator: User | None, note: str) -> str:
    send_event("comment.rejected", comment=comment)
    return change_status(
        comment,
        CommentStatus.REJECTED,
        moderation_note=note,
        is_editor_pick=False,
        moderated_at=timezone.now(),
        moderated_by=moderator,
        claimed_by=None,
        claimed_until=None,
    )


def shorten_comment_text(comment: Comment, *, moderator: User | None, body: str, note: str) -> None:
    """Replace the text with a shortened one; the original stays in the history."""
    CommentRevision.objects.create(
        comment=comment, body=comment.body, kind=CommentRevision.Kind.SHORTEN
    )
    comment.body = normalise_comment_text(body)
    comment.moderation_note = note
    comment.moderated_at = timezone.now()
    comment.moderated_by = moderator
    comment.save(update_fields=["body", "moderation_note", "moderated_at", "moderated_by"])
    bump_version(comment.article_id)
    send_event("comment.shortened", comment=comment)


def resolve_reports(comment: Comment) -> int:
    """Mark the open reports of a comment as dealt with (any decision deals with them)."""
    return Report.objects.filter(comment=comment, resolved_at__isnull=True).update(
        resolved_at=timezone.now()
    )


def restore_shortened_text(comment: Comment) -> None:
    """Put back the text a moderator shortened (an appeal was granted)."""
    original = comment.revisions.filter(kind=CommentRevision.Kind.SHORTEN).order_by("created_at")
    first = original.first()
    if first is not None:
        comment.body = first.body
        comment.moderation_note = ""
        comment.save(update_fields=["body", "moderation_note"])
        bump_version(comment.article_id)


def set_claim(comment: Comment, *, moderator: User | None, until: datetime | None) -> None:
    Comment.objects.filter(pk=comment.pk).update(claimed_by=moderator, claimed_until=until)


def record_score(comment: Comment, *, score: float, reasons: list[str], flagged: bool) -> None:
    """Store a (re-)computed classifier score; a flagged comment shows in the flagged queue."""
    flags = [flag for flag in comment.flags if flag.get("code") not in {"toxicity", "not_scored"}]
    if flagged:
        detail = f"{score:.2f}: {', '.join(reasons[:5])}"
        flags.append({"code": "toxicity", "phase": "classifier", "detail": detail, "hard": False})
    comment.flags = flags
    comment.flag_codes = " ".join(sorted({str(flag["code"]) for flag in flags}))
    comment.risk_score = score
    comment.score_reasons = reasons
    comment.save(update_fields=["flags", "flag_codes", "risk_score", "score_reasons"])
