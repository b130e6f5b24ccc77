"""Writes about a reader's own account: leaving (GDPR Art. 17)."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from debatte.accounts.forgetting import Departure, deleted_name, parts
from debatte.accounts.models import User
from debatte.accounts.tasks import end_sessions

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

    Each app holding the reader's data does its part (`accounts.forgetting`), in one
    transaction: comments become tombstones (numbers kept) or stay, signed "gelöschter Nutzer";
    their IP addresses and earlier versions go; recommendations are withdrawn (counts follow).
    Reports and DSA notices lose the reader's words, name and address; statements of reasons
    and appeals are kept without the reader (the platform's DSA record) and without their
    texts; the audit log keeps every entry but not the name; webhook payloads still waiting or
    logged lose it too. Sessions, e-mail addresses, second factors and site roles go with the
    account.
    """
    departure = Departure(user, user.display_name, user.email or "", remove_comments)
    with transaction.atomic():
        for part in parts():
            if part.forget is not None:
                part.forget(departure)
        user_id = user.pk
        user.delete()
        transaction.on_commit(lambda: end_sessions.enqueue(user_id))
    return AccountDeletion(
        departure.name,
        departure.comments_removed,
        departure.comments_kept,
        departure.recommendations_withdrawn,
    )
