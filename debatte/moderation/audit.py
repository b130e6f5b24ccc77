"""Writing the audit log: every state change of a comment, user or discussion."""

from typing import Any

from debatte.moderation.models import AuditEntry

SYSTEM = "system"


def record(
    verb: str,
    *,
    actor: Any = None,
    comment: Any = None,
    user: Any = None,
    article: Any = None,
    reason: str = "",
    before: str = "",
    after: str = "",
    details: dict[str, Any] | None = None,
    site_id: int | None = None,
) -> AuditEntry:
    """Write one entry. `actor` None means the system (the pipeline, a scheduled task)."""
    if comment is not None:
        article = article or comment.article
        subject = f"{comment.label} {comment.author_name}"
        user = user or comment.author
    elif user is not None:
        subject = str(user)
    elif article is not None:
        subject = article.key
    else:
        subject = ""
    if article is not None:
        site_id = article.site_id
    return AuditEntry.objects.create(
        actor=actor,
        actor_name=str(actor) if actor is not None else SYSTEM,
        verb=verb,
        site_id=site_id,
        comment=comment,
        subject_user=user,
        article=article,
        subject=subject[:200],
        reason=reason,
        status_before=before,
        status_after=after,
        details=details or {},
    )
