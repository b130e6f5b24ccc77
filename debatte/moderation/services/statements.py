"""Statements of reasons (DSA Art. 17): what was decided, on what ground, how to appeal."""

from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from debatte.accounts.models import User
from debatte.discussions.models import Comment
from debatte.moderation.models import APPEAL_WINDOW, StatementOfReasons
from debatte.moderation.outbox import send_statement_mail


def issue_statement(
    *,
    user: User | None,
    decision: str,
    decision_text: Callable[[], str],
    ground: str,
    moderator: User | None,
    comment: Comment | None = None,
    site_id: int | None = None,
    facts: str = "",
) -> StatementOfReasons | None:
    """Write the statement and mail it to the author after the transaction commits."""
    if user is None:
        return None
    # Written in the author's language: they read it, not the moderator.
    with translation.override(user.language or settings.LANGUAGE_CODE):
        text = decision_text()
    now = timezone.now()
    statement = StatementOfReasons.objects.create(
        user=user,
        comment=comment,
        site_id=site_id,
        decision=decision,
        decision_text=text,
        ground=ground,
        facts=facts,
        automated=moderator is None,
        decided_by=moderator,
        created_at=now,
        appealable_until=now + APPEAL_WINDOW,
    )
    if user.email:
        transaction.on_commit(lambda: send_statement_mail.enqueue(statement.pk))
    return statement
