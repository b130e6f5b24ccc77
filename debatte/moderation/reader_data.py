"""A reader's statements of reasons, appeals and restrictions, and the audit log about them:
their part of the data export and of deleting the account (registered with
`accounts.forgetting` in `ModerationConfig.ready`).

Statements and appeals stay when the account goes (the platform's record of its decisions, DSA
Art. 15 and 24), without the reader's words; the audit log keeps every entry, not the name.
"""

from typing import Any

from django.db.models import Q
from django.utils import timezone

from debatte.accounts.forgetting import Departure, deleted_name, iso_time
from debatte.accounts.models import User
from debatte.discussions.reader_data import place
from debatte.moderation.audit import record
from debatte.moderation.models import (
    Appeal,
    AppealStatus,
    AuditEntry,
    Notice,
    Restriction,
    StatementOfReasons,
)

BATCH = 500


# --- The data export ---------------------------------------------------------------------------


def export(user: User) -> dict[str, Any]:
    return {
        "statements_of_reasons": [_statement(s) for s in _statements(user)],
        "notices_of_illegal_content": [_notice(n) for n in _notices(user)],
        "restrictions": [
            {
                "site": r.site.name if r.site else None,  # None: all sites
                "kind": r.kind,
                "reason": r.reason,
                "until": iso_time(r.until),
                "created_at": iso_time(r.created_at),
                "lifted_at": iso_time(r.lifted_at),
            }
            for r in Restriction.objects.filter(user=user)
            .select_related("site")
            .order_by("created_at", "pk")
        ],
    }


def _notices(user: User) -> Any:
    """The DSA side of the reader's notices (their words are under the reports)."""
    return (
        Notice.objects.filter(report__reporter=user)
        .select_related("report__comment__article", "appeal")
        .order_by("created_at", "pk")
    )


def _notice(notice: Notice) -> dict[str, Any]:
    appeal = getattr(notice, "appeal", None)
    return {
        "comment": place(notice.report.comment),
        "category": notice.category,
        "created_at": iso_time(notice.created_at),
        "decision": notice.decision,
        "ground": notice.ground,
        "decided_at": iso_time(notice.decided_at),
        "appeal": None if appeal is None else _appeal(appeal),
    }


def _appeal(appeal: Appeal) -> dict[str, Any]:
    return {
        "text": appeal.text,
        "status": appeal.status,
        "created_at": iso_time(appeal.created_at),
        "decided_at": iso_time(appeal.decided_at),
        "answer": appeal.decision_note,
    }


def _statements(user: User) -> Any:
    return (
        StatementOfReasons.objects.filter(user=user)
        .select_related("comment__article", "appeal")
        .order_by("created_at", "pk")
    )


def _statement(statement: StatementOfReasons) -> dict[str, Any]:
    appeal = getattr(statement, "appeal", None)
    return {
        "decision": statement.decision,
        "decision_text": statement.decision_text,
        "ground": statement.ground,
        "facts": statement.facts,
        "automated": statement.automated,
        "comment": place(statement.comment),
        "created_at": iso_time(statement.created_at),
        "appealable_until": iso_time(statement.appealable_until),
        "appeal": None if appeal is None else _appeal(appeal),
    }


# --- Deleting the account ----------------------------------------------------------------------


def forget(departure: Departure) -> None:
    """The deletion is audited (by the reader), then the log and the DSA texts forget them."""
    user = departure.user
    record(
        "user.delete",
        actor=user,
        user=user,
        after="deleted",
        details={
            "comments": "removed" if departure.remove_comments else "kept",
            "count": departure.comments_removed or departure.comments_kept,
        },
    )
    _forget_dsa_texts(user)
    _anonymise_audit(user, departure.name, departure.comment_ids)


def _forget_dsa_texts(user: User) -> None:
    """Statements stay (counts, grounds, outcomes); the quoted text and the appeal's words go,
    also those of the reader's appeals as a signed-in notifier."""
    StatementOfReasons.objects.filter(user=user).update(facts="")
    mine = Q(statement__user=user) | Q(notice__report__reporter=user)
    appeals = Appeal.objects.filter(mine)
    appeals.filter(status=AppealStatus.OPEN).update(
        status=AppealStatus.WITHDRAWN, decided_at=timezone.now()
    )
    appeals.update(text="", decision_note="")


def _anonymise_audit(user: User, name: str, comment_ids: set[int]) -> None:
    """Entries about the reader or by them: the name becomes "gelöschter Nutzer"; what the
    reader wrote (an appeal's reason) and a shortened comment's original go."""
    placeholder = deleted_name()
    entries = AuditEntry.objects.filter(
        Q(subject_user=user) | Q(actor=user) | Q(comment_id__in=comment_ids)
    )
    batch: list[AuditEntry] = []
    for entry in entries.iterator(chunk_size=BATCH):
        entry.subject = entry.subject.replace(name, placeholder)[:200] if name else entry.subject
        if entry.actor_id == user.pk:
            entry.actor_name = placeholder
            entry.reason = ""
        if entry.comment_id in comment_ids and isinstance(entry.details, dict):
            entry.details = {k: v for k, v in entry.details.items() if k != "original"}
        batch.append(entry)
        if len(batch) >= BATCH:
            AuditEntry.objects.bulk_update(batch, ["subject", "actor_name", "reason", "details"])
            batch = []
    if batch:
        AuditEntry.objects.bulk_update(batch, ["subject", "actor_name", "reason", "details"])
