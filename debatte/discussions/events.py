"""Events of a discussion, sent after the transaction that caused them commits.

Receivers are the decoupled concerns: e-mail notifications, webhooks, live updates. They
connect to `discussion_event` with `name` one of EVENTS; a receiver that fails is logged and
never undoes or blocks the write that caused the event.
"""

import logging
from typing import Any

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

EVENTS = (
    "comment.created",  # any new comment, published or held
    "comment.published",  # visible to readers now (posted in post-moderation, or approved)
    "comment.held",
    "comment.rejected",
    "comment.shortened",
    "comment.edited",
    "comment.deleted",
    "comment.featured",  # became a Redaktionsempfehlung
    "comment.recommended",  # recommendation count changed
    "report.created",
    "user.banned",
    "user.suspended",
)

# Sent with: name (str), comment (Comment | None), user (User | None), extra (dict)
discussion_event = Signal()


def send_event(name: str, *, comment: Any = None, user: Any = None, **extra: Any) -> None:
    """Send `name` once the current transaction commits (at once outside a transaction)."""
    if name not in EVENTS:
        raise ValueError(f"unknown discussion event {name!r}")

    def deliver() -> None:
        for receiver, result in discussion_event.send_robust(
            sender=None, name=name, comment=comment, user=user, extra=extra
        ):
            if isinstance(result, Exception):
                logger.error("event %s: receiver %r failed: %r", name, receiver, result)

    transaction.on_commit(deliver)
