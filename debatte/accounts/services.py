"""Writes about a reader's own account: leaving (GDPR Art. 17) and the IP retention purge."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from debatte.accounts.forgetting import deleted_name, forget_comment_texts, forget_reader
from debatte.accounts.models import User
from debatte.accounts.tasks import end_sessions
from debatte.discussions.events import send_event
from debatte.discussions.models import Comment, CommentRevision, CommentStatus, Recommendation
from debatte.discussions.services.counters import bump_version
from debatte.discussions.services.status import change_status
from debatte.moderation.audit import record

DEFAULT_IP_RETENTION_DAYS = 30


@dataclass(frozen=True)
class AccountDeletion:
    """What deleting an account did."""

    display_name: str
    comments_removed: int
    comments_kept: int
    recommendations_withdrawn: int


def deleted_user_name() -> str:
    return deleted_name()


def ip_retention_days() -> int:
    return int(settings.DEBATTE.get("IP_RETENTION_DAYS", DEFAULT_IP_RETENTION_DAYS))


def delete_account(user: User, *, remove_comments: bool) -> AccountDeletion:
    """Delete `user` and everything that names them (GDPR Art. 17; docs/security.md).

    Comments become tombstones (numbers kept) or stay, signed "gelöschter Nutzer"; their IP
    addresses and earlier versions go; recommendations are withdrawn (counts follow). Reports
    and DSA notices lose the reader's words, name and address; statements of reasons and appeals
    are kept without the reader (the platform's DSA record) and without their texts; the audit
    log keeps every entry but not the name; webhook payloads still waiting or logged lose it too.
    Sessions, e-mail addresses, second factors and site roles go with the account.
    """
    name, email = user.display_name, user.email or ""
    with transaction.atomic():
        comments = Comment.objects.filter(author=user)
        removed = _remove_comments(user) if remove_comments else 0
        kept = 0 if remove_comments else comments.exclude(status=CommentStatus.DELETED).count()
        article_ids = set(comments.values_list("article_id", flat=True).distinct())
        comment_ids = set(comments.values_list("pk", flat=True))
        CommentRevision.objects.filter(comment__author=user).delete()
        comments.update(author_name=deleted_user_name(), ip_address=None)
        withdrawn = _withdraw_recommendations(user)
        for article_id in article_ids:
            bump_version(article_id)
        record(
            "user.delete",
            actor=user,
            user=user,
            after="deleted",
            details={
                "comments": "removed" if remove_comments else "kept",
                "count": removed or kept,
            },
        )
        forget_reader(user, name=name, email=email, comment_ids=comment_ids)
        if remove_comments:
            forget_comment_texts(comment_ids)
        user_id = user.pk
        user.delete()
        transaction.on_commit(lambda: end_sessions.enqueue(user_id))
    return AccountDeletion(name, removed, kept, withdrawn)


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
                author_name=deleted_user_name(),
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


def purge_ip_addresses(*, older_than_days: int | None = None) -> int:
    """Forget the IP addresses of comments older than the retention period; returns how many."""
    days = ip_retention_days() if older_than_days is None else older_than_days
    cutoff = timezone.now() - timedelta(days=days)
    return Comment.objects.filter(created_at__lt=cutoff, ip_address__isnull=False).update(
        ip_address=None
    )
