"""What Debatte holds on a reader outside their account, gathered from the apps that hold it.

The apps above accounts (discussions, moderation, notifications) register their part when Django
starts (their `AppConfig.ready`): what the reader's data export shows of theirs (GDPR Art. 15
and 20, `accounts.selectors.get_personal_data`) and what deleting the account changes in their
rows (GDPR Art. 17, `accounts.services.delete_account`). The parts run in the order the apps are
installed, lower floors first: the reader's comments are dealt with before the audit log and
the webhook payloads that name them (see docs/security.md, "What is kept").

Rows stay where the platform must account for its decisions (audit log, DSA statements of
reasons and appeals, reports on others' comments); what names or quotes the reader goes.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings

from debatte.accounts.models import User


@dataclass
class Departure:
    """An account being deleted, handed to each app's part in turn (inside one transaction).

    Discussions fills in what became of the reader's comments; the parts after it read it.
    """

    user: User
    name: str
    email: str
    remove_comments: bool
    comment_ids: set[int] = field(default_factory=set)
    comments_removed: int = 0
    comments_kept: int = 0
    recommendations_withdrawn: int = 0


Export = Callable[[User], dict[str, Any]]
Forget = Callable[[Departure], None]


@dataclass(frozen=True)
class ReaderDataPart:
    app: str
    export: Export | None
    forget: Forget | None


_parts: dict[str, ReaderDataPart] = {}


def register(app: str, *, export: Export | None = None, forget: Forget | None = None) -> None:
    """An app's part of the reader's data (registered again: replaced, order kept)."""
    _parts[app] = ReaderDataPart(app, export, forget)


def parts() -> list[ReaderDataPart]:
    return list(_parts.values())


def deleted_name() -> str:
    return str(settings.DEBATTE.get("DELETED_USER_NAME", "gelöschter Nutzer"))


def iso_time(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
