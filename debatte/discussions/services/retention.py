"""What is kept only for a while: the IP addresses of comments (`debatte purge`, daily)."""

from datetime import timedelta

from django.utils import timezone

from debatte.accounts.services import ip_retention_days
from debatte.discussions.models import Comment


def purge_ip_addresses(*, older_than_days: int | None = None) -> int:
    """Forget the IP addresses of comments older than the retention period; returns how many."""
    days = ip_retention_days() if older_than_days is None else older_than_days
    cutoff = timezone.now() - timedelta(days=days)
    return Comment.objects.filter(created_at__lt=cutoff, ip_address__isnull=False).update(
        ip_address=None
    )
