"""What a deleted account leaves elsewhere, made anonymous (see docs/security.md, "What is kept").

Rows stay where the platform must account for its decisions (audit log, DSA statements of
reasons and appeals, reports on others' comments); what names or quotes the reader goes.
"""

from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from debatte.accounts.models import User
from debatte.discussions.models import Comment, Report
from debatte.moderation.models import Appeal, AppealStatus, AuditEntry, StatementOfReasons
from debatte.notifications.models import WebhookDelivery

BATCH = 500
# Payload keys that hold a person ({"id", "display_name"}): notifications/webhooks.py.
PERSON_KEYS = ("user", "reporter", "by")


def deleted_name() -> str:
    return str(settings.DEBATTE.get("DELETED_USER_NAME", "gelöschter Nutzer"))


def forget_reader(user: User, *, name: str, email: str, comment_ids: set[int]) -> None:
    """Everything but the comments themselves (accounts.services.delete_account does those)."""
    _forget_reports(user, email)
    _forget_dsa_texts(user)
    _anonymise_audit(user, name, comment_ids)
    _anonymise_webhook_payloads(user, comment_ids)


def forget_comment_texts(comment_ids: set[int]) -> None:
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


def _forget_reports(user: User, email: str) -> None:
    """Reports and notices by the reader keep their reason, not their words or address."""
    mine = Q(reporter=user)
    if email:
        mine |= Q(reporter__isnull=True, reporter_email__iexact=email)
    Report.objects.filter(mine).update(explanation="", reporter_name="", reporter_email="")


def _forget_dsa_texts(user: User) -> None:
    """Statements stay (counts, grounds, outcomes); the quoted text and the appeal's words go."""
    StatementOfReasons.objects.filter(user=user).update(facts="")
    appeals = Appeal.objects.filter(statement__user=user)
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


def _anonymise_webhook_payloads(user: User, comment_ids: set[int]) -> None:
    """Deliveries logged or still waiting: the reader becomes anonymous, their text goes when
    their comment was removed (a kept comment's text is public under the placeholder)."""
    about = Q(payload__comment__id__in=list(comment_ids)) if comment_ids else Q(pk__in=[])
    for key in PERSON_KEYS:
        about |= Q(**{f"payload__{key}__id": user.pk})
    removed = set(Comment.objects.filter(pk__in=comment_ids, body="").values_list("pk", flat=True))
    batch: list[WebhookDelivery] = []
    for delivery in WebhookDelivery.objects.filter(about).iterator(chunk_size=BATCH):
        delivery.payload = _anonymous_payload(delivery.payload, user.pk, comment_ids, removed)
        batch.append(delivery)
    WebhookDelivery.objects.bulk_update(batch, ["payload"], batch_size=BATCH)


def _anonymous_payload(payload: Any, user_id: int, comment_ids: set[int], removed: set[int]) -> Any:
    if not isinstance(payload, dict):
        return payload
    anonymous = {"id": None, "display_name": deleted_name()}
    data = dict(payload)
    for key in PERSON_KEYS:
        person = data.get(key)
        if isinstance(person, dict) and person.get("id") == user_id:
            data[key] = anonymous
    comment = data.get("comment")
    if isinstance(comment, dict) and comment.get("id") in comment_ids:
        comment = {**comment, "author": anonymous}
        if comment.get("id") in removed:
            comment["text"] = ""
        data["comment"] = comment
    return data
