from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from debatte.accounts.models import User
from debatte.core.exceptions import ActionError
from debatte.discussions.models import Comment, CommentStatus
from debatte.discussions.services import set_editor_pick
from debatte.discussions.services.moderating import (
    publish_comment,
    remove_comment,
    resolve_reports,
    shorten_comment_text,
)
from debatte.moderation.audit import record
from debatte.moderation.models import Reason, ReasonKind
from debatte.moderation.services.notices import decide_notices
from debatte.moderation.services.permissions import check_can_moderate
from debatte.moderation.services.statements import issue_statement


def moderation_note(kind: str, reason: Reason, moderator: User) -> str:
    """ "Entfernt. Bitte bleiben Sie sachlich. Die Redaktion/ab", in the site's language."""
    with translation.override(reason.site.language):
        prefix = _("Removed.") if kind == ReasonKind.REJECT else _("Shortened.")
        signature = _("The editors/%(initials)s") % {"initials": moderator.signature_initials}
    return f"{prefix} {reason.text} {signature}"


def _check_reason(reason: Reason, comment: Comment, kind: str) -> None:
    if reason.site_id != comment.article.site_id or reason.kind != kind or not reason.is_active:
        raise ActionError(_("Please choose a reason from this site's catalogue."), code="reason")


def approve_comment(comment: Comment, *, moderator: User) -> Comment:
    check_can_moderate(moderator, comment.article.site_id)
    if comment.status == CommentStatus.DELETED:
        raise ActionError(_("The author has deleted this comment."), code="deleted")
    with transaction.atomic():
        before = publish_comment(comment, moderator=moderator)
        reported = resolve_reports(comment)
        record(
            "comment.approve", actor=moderator, comment=comment, before=before, after="published"
        )
        if reported:  # the decision on the comment decides its notices (DSA Art. 16(5))
            decide_notices(comment, moderator=moderator, verb="comment.approve")
    return comment


def reject_comment(comment: Comment, *, moderator: User, reason: Reason) -> Comment:
    """Remove a comment; its number stays with the note "Entfernt. ... Die Redaktion/ab"."""
    check_can_moderate(moderator, comment.article.site_id)
    _check_reason(reason, comment, ReasonKind.REJECT)
    if comment.status == CommentStatus.DELETED:
        raise ActionError(_("The author has deleted this comment."), code="deleted")
    note = moderation_note(ReasonKind.REJECT, reason, moderator)
    with transaction.atomic():
        before = remove_comment(comment, moderator=moderator, note=note)
        reported = resolve_reports(comment)
        record(
            "comment.reject",
            actor=moderator,
            comment=comment,
            before=before,
            after="rejected",
            reason=reason.text,
            details={"reason_code": reason.code},
        )
        statement = issue_statement(
            user=comment.author,
            decision="comment.reject",
            decision_text=lambda: (
                _("Your comment %(label)s under “%(title)s” was removed.")
                % {"label": comment.label, "title": comment.article.title}
            ),
            ground=reason.text,
            facts=comment.body[:1000],
            moderator=moderator,
            comment=comment,
            site_id=comment.article.site_id,
        )
        if reported:
            decide_notices(
                comment,
                moderator=moderator,
                verb="comment.reject",
                ground=reason.text,
                statement=statement,
            )
    return comment


def shorten_comment(comment: Comment, *, moderator: User, reason: Reason, body: str) -> Comment:
    """Publish a shortened text with a visible note; the original stays in the history."""
    check_can_moderate(moderator, comment.article.site_id)
    _check_reason(reason, comment, ReasonKind.SHORTEN)
    if not body.strip() or body.strip() == comment.body.strip():
        raise ActionError(_("Please shorten the text."), code="unchanged")
    note = moderation_note(ReasonKind.SHORTEN, reason, moderator)
    with transaction.atomic():
        original = comment.body
        before = comment.status
        # Publish first: publishing clears the moderation note, which must stay "Gekürzt. ...".
        if comment.status != CommentStatus.PUBLISHED:
            before = publish_comment(comment, moderator=moderator)
        shorten_comment_text(comment, moderator=moderator, body=body, note=note)
        reported = resolve_reports(comment)
        record(
            "comment.shorten",
            actor=moderator,
            comment=comment,
            before=before,
            after="published",
            reason=reason.text,
            details={"reason_code": reason.code, "original": original},
        )
        statement = issue_statement(
            user=comment.author,
            decision="comment.shorten",
            decision_text=lambda: (
                _("Your comment %(label)s under “%(title)s” was shortened.")
                % {"label": comment.label, "title": comment.article.title}
            ),
            ground=reason.text,
            facts=original[:1000],
            moderator=moderator,
            comment=comment,
            site_id=comment.article.site_id,
        )
        if reported:
            decide_notices(
                comment,
                moderator=moderator,
                verb="comment.shorten",
                ground=reason.text,
                statement=statement,
            )
    return comment


def feature_comment(comment: Comment, *, moderator: User, featured: bool = True) -> Comment:
    """Make a comment a "Redaktionsempfehlung" (publishing it if it was held), or stop it being
    one; the one way to pick, from the queue, the article page, the API or the admin."""
    check_can_moderate(moderator, comment.article.site_id)
    if comment.is_editor_pick == featured and comment.status != CommentStatus.PENDING:
        return comment  # a second click changes nothing and logs nothing
    with transaction.atomic():
        if featured and comment.status == CommentStatus.PENDING:
            approve_comment(comment, moderator=moderator)
        before = "featured" if comment.is_editor_pick else "not featured"
        set_editor_pick(comment, actor=moderator, picked=featured)
        record(
            "comment.feature" if featured else "comment.unfeature",
            actor=moderator,
            comment=comment,
            before=before,
            after="featured" if featured else "not featured",
        )
    return comment
