"""Statements of reasons (DSA Art. 17): what was decided, on what ground, how to appeal."""

from collections.abc import Callable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from debatte.accounts.models import User
from debatte.discussions.models import Comment
from debatte.moderation.models import APPEAL_WINDOW, StatementOfReasons


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
        appealable_until=timezone.now() + APPEAL_WINDOW,
    )
    if user.email:
        transaction.on_commit(lambda: _mail_statement(statement))
    return statement


def _mail_statement(statement: StatementOfReasons) -> None:
    user = statement.user
    if not user.email:
        return
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {"statement": statement, "user": user}
        subject = render_to_string("moderation/email/statement_subject.txt", context).strip()
        body = render_to_string("moderation/email/statement.txt", context)
    send_mail(subject, body, None, [user.email], fail_silently=True)
