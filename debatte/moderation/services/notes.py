"""Moderators' internal notes about a reader: written and deleted by a site's moderators, audited.

The note's text stays out of the audit log (it is about a person and goes with their account);
the log keeps who added or deleted which note on which site and when.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from debatte.accounts.models import User
from debatte.articles.models import Site
from debatte.core.exceptions import ActionError
from debatte.moderation.audit import record
from debatte.moderation.models import ModeratorNote
from debatte.moderation.services.permissions import check_can_moderate

MAX_NOTE_LENGTH = 2000


def add_moderator_note(user: User, *, site: Site, moderator: User, text: str) -> ModeratorNote:
    check_can_moderate(moderator, site.pk)
    text = text.strip()
    if not text:
        raise ActionError(_("Please write the note."), code="text")
    if len(text) > MAX_NOTE_LENGTH:
        raise ActionError(
            _("A note has at most %(max)d characters.") % {"max": MAX_NOTE_LENGTH}, code="text"
        )
    with transaction.atomic():
        note = ModeratorNote.objects.create(user=user, site=site, author=moderator, text=text)
        record(
            "user.note_add",
            actor=moderator,
            user=user,
            site_id=site.pk,
            details={"note": note.pk, "length": len(text)},
        )
    return note


def delete_moderator_note(note: ModeratorNote, *, moderator: User) -> None:
    """Any moderator of the note's site may delete it (a note is the team's, not its author's)."""
    check_can_moderate(moderator, note.site_id)
    with transaction.atomic():
        record(
            "user.note_delete",
            actor=moderator,
            user=note.user,
            site_id=note.site_id,
            details={"note": note.pk, "author": note.author_id},
        )
        note.delete()
