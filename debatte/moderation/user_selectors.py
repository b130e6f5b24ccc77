"""What a reader's page shows a moderator: comments, decisions, notes and linked accounts,
each scoped to the sites the moderator moderates and read in a fixed number of queries.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery
from django.utils import timezone

from debatte.accounts.models import User
from debatte.discussions.models import Comment
from debatte.moderation.models import AuditEntry, ModeratorNote, StatementOfReasons

DEFAULT_IP_RETENTION_DAYS = 30


@dataclass(frozen=True)
class LinkedAccount:
    """Another account that wrote from an address the reader wrote from, on these sites."""

    user_id: int
    display_name: str
    comments: int
    last_seen: datetime


def linked_accounts_shown() -> bool:
    """DEBATTE_SHOW_LINKED_ACCOUNTS (on unless set to 0); docs/moderators-guide.md says why."""
    return bool(settings.DEBATTE.get("SHOW_LINKED_ACCOUNTS", True))


def _on(site_ids: list[int]) -> Q:
    return Q(article__site_id__in=site_ids)


def list_reader_comments(
    reader: User, *, site_ids: list[int], before: int | None = None, limit: int = 25
) -> list[Comment]:
    """The reader's comments on these sites, newest first; `before` a comment id (keyset).

    One query: the cursor's time is read in a subquery.
    """
    rows = Comment.objects.filter(_on(site_ids), author=reader)
    if before is not None:
        cursor = Comment.objects.filter(pk=before, author=reader).values("created_at")[:1]
        rows = rows.filter(
            Q(created_at__lt=Subquery(cursor)) | Q(created_at=Subquery(cursor), pk__lt=before)
        )
    rows = rows.select_related("article").order_by("-created_at", "-pk")
    return list(rows[:limit])


def list_reader_decisions(
    reader: User, *, site_ids: list[int], all_sites: bool = False, limit: int = 50
) -> list[AuditEntry]:
    """Audit entries about the reader on these sites (and those on all sites for `all_sites`,
    an administrator), newest first; as the audit log shows them."""
    where = Q(site_id__in=site_ids)
    if all_sites:
        where |= Q(site__isnull=True)
    rows = AuditEntry.objects.filter(where, subject_user=reader).select_related("comment")
    return list(rows.order_by("-pk")[:limit])


def list_reader_statements(
    reader: User, *, site_ids: list[int], all_sites: bool = False, limit: int = 50
) -> list[StatementOfReasons]:
    """Statements of reasons the reader was sent, with their appeals, newest first."""
    where = Q(site_id__in=site_ids)
    if all_sites:
        where |= Q(site__isnull=True)
    rows = StatementOfReasons.objects.filter(where, user=reader).select_related(
        "appeal", "appeal__decided_by", "decided_by"
    )
    return list(rows.order_by("-created_at", "-pk")[:limit])


def list_moderator_notes(
    reader: User, *, site_ids: list[int], limit: int = 100
) -> list[ModeratorNote]:
    rows = ModeratorNote.objects.filter(user=reader, site_id__in=site_ids)
    return list(rows.select_related("author", "site").order_by("-created_at", "-pk")[:limit])


def _retention_start() -> datetime:
    days = int(settings.DEBATTE.get("IP_RETENTION_DAYS", DEFAULT_IP_RETENTION_DAYS))
    return timezone.now() - timedelta(days=days)


def list_linked_accounts(
    reader: User, *, site_ids: list[int], limit: int = 20
) -> list[LinkedAccount]:
    """Accounts that wrote from one of the reader's addresses on one of these sites, within the
    address retention period; most recent first. The addresses themselves are not returned.

    One query; the reader's addresses come from the partial index on (ip_address, created_at).
    """
    since = _retention_start()
    recent = Comment.objects.filter(_on(site_ids), created_at__gte=since, ip_address__isnull=False)
    mine = recent.filter(author=reader)
    same_site = mine.filter(
        ip_address=OuterRef("ip_address"), article__site_id=OuterRef("article__site_id")
    )
    rows = (
        recent.filter(ip_address__in=mine.values("ip_address"), author__isnull=False)
        .exclude(author=reader)
        .filter(Exists(same_site))
        .values("author_id", "author__display_name")
        .annotate(comments=Count("pk"), last_seen=Max("created_at"))
        .order_by("-last_seen", "author_id")
    )
    return [
        LinkedAccount(
            row["author_id"], row["author__display_name"], row["comments"], row["last_seen"]
        )
        for row in rows[:limit]
    ]
