"""Moderators' reads besides the comment queues (queue_selectors.py): appeals, the audit log."""

from django.db.models import Max, Q, QuerySet

from debatte.accounts.models import User
from debatte.articles.models import Site
from debatte.moderation.models import Appeal, AppealStatus, AuditEntry, Reason
from debatte.moderation.services.permissions import sites_moderated_by


def list_open_appeals(moderator: User) -> QuerySet[Appeal]:
    """Authors' appeals (against a statement) and notifiers' (against a notice's decision)."""
    rows = Appeal.objects.filter(status=AppealStatus.OPEN)
    if not moderator.is_superuser:
        # Appeals against account-wide restrictions (no site) go to administrators.
        sites = sites_moderated_by(moderator)
        rows = rows.filter(Q(statement__site__in=sites) | Q(notice__site__in=sites))
    return (
        rows.exclude(statement__decided_by=moderator)
        .exclude(notice__decided_by=moderator)
        .select_related(
            "statement",
            "statement__user",
            "statement__comment",
            "statement__comment__article",
            "statement__decided_by",
            "notice",
            "notice__report__comment__article",
            "notice__report__comment__author",
            "notice__decided_by",
        )
        .order_by("created_at")
    )


def list_audit_entries(
    moderator: User,
    *,
    verb: str = "",
    actor: str = "",
    subject: str = "",
    site: Site | None = None,
    limit: int = 100,
    before_id: int | None = None,
) -> list[AuditEntry]:
    rows = AuditEntry.objects.filter(
        Q(site__in=sites_moderated_by(moderator)) | Q(site__isnull=True)
    )
    if not moderator.is_superuser:
        rows = rows.filter(site__isnull=False)
    if site is not None:
        rows = rows.filter(site=site)
    if verb:
        rows = rows.filter(verb__startswith=verb)
    if actor:
        rows = rows.filter(actor_name__icontains=actor)
    if subject:
        rows = rows.filter(subject__icontains=subject)
    if before_id:
        rows = rows.filter(pk__lt=before_id)
    return list(rows.order_by("-pk")[:limit])


def latest_decision_time(moderator: User) -> object:
    return AuditEntry.objects.filter(actor=moderator).aggregate(latest=Max("created_at"))["latest"]


def get_active_reason(site_id: int, kind: str, code: str) -> Reason | None:
    """A reason of the site's catalogue that moderators may still choose."""
    reasons = Reason.objects.select_related("site")
    return reasons.filter(site_id=site_id, kind=kind, code=code, is_active=True).first()
