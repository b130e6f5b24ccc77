"""Send each notification e-mail once per (event, recipient), also when its task runs twice.

The worker may be killed while a task sends (kill -9, a deploy, the machine); the task is then
requeued (ops/recovery.py) and runs again: at least once. The key recorded here before sending
makes a second run send nothing once the first one finished. The one window left, between the
SMTP server's "accepted" and recording `sent`, is covered by a Message-ID derived from the key:
a resent mail has the same Message-ID, which mail systems treat as the same message.
"""

import hashlib
import logging

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from debatte.notifications.models import MailDispatch

logger = logging.getLogger(__name__)


def message_id(key: str) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<{digest}@debatte.idempotency>"


def _claim(key: str) -> tuple[MailDispatch, bool]:
    try:
        with transaction.atomic():
            return MailDispatch.objects.create(key=key), True
    except IntegrityError:  # an earlier run (or a concurrent one) recorded the key first
        return MailDispatch.objects.get(key=key), False


def send_once(key: str, message: EmailMessage) -> bool:
    """Send `message` unless a mail under `key` was sent already; True when it went out now."""
    dispatch, first = _claim(key)
    if dispatch.status == MailDispatch.Status.SENT:
        logger.info("mail %s was sent already; not sending it again", key)
        return False
    if not first:
        logger.warning("mail %s: an earlier attempt was interrupted; sending again", key)
        MailDispatch.objects.filter(pk=dispatch.pk).update(attempts=F("attempts") + 1)
    message.extra_headers["Message-ID"] = message_id(key)
    message.send()
    MailDispatch.objects.filter(pk=dispatch.pk).update(
        status=MailDispatch.Status.SENT, sent_at=timezone.now()
    )
    return True
