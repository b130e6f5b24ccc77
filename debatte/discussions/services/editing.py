from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from debatte.accounts.models import User
from debatte.core.audit import record
from debatte.core.exceptions import ActionError, NotPermitted
from debatte.core.text import normalise_comment_text
from debatte.discussions.checks import comment_checks
from debatte.discussions.events import send_event
from debatte.discussions.models import Comment, CommentRevision, CommentStatus
from debatte.discussions.services.access import check_may_act_on_site
from debatte.discussions.services.counters import bump_version
from debatte.discussions.services.posting import build_pipeline_context, check_verdict
from debatte.discussions.services.status import change_status
from debatte.discussions.services.throttling import check_action_throttle


def check_can_edit(comment: Comment, editor: User) -> None:
    if comment.author_id != editor.pk:
        raise NotPermitted(_("You can only edit your own comments."))
    check_may_act_on_site(editor, comment.article.site)
    if comment.status not in (CommentStatus.PUBLISHED, CommentStatus.PENDING):
        raise ActionError(_("This comment can no longer be edited."), code="not_editable")
    if comment.moderation_note:
        raise ActionError(_("This comment can no longer be edited."), code="not_editable")
    if timezone.now() > comment.editable_until():
        raise ActionError(_("The time for editing this comment is over."), code="edit_window")


def edit_comment(
    comment: Comment, *, editor: User, body: str, ip_address: str | None = None
) -> Comment:
    """Change one's own comment within the edit window; marks it "bearbeitet".

    The new text passes the moderation pipeline again and may be held. Raises Throttled when
    the reader (or their address) edits too often.
    """
    check_can_edit(comment, editor)
    text = normalise_comment_text(body)
    if text == comment.body:
        return comment
    check_action_throttle("edit", user=editor, ip_address=ip_address)
    context = build_pipeline_context(comment.article, editor, text, editing=comment)
    verdict = comment_checks().check(context)
    check_verdict(verdict)
    with transaction.atomic():
        CommentRevision.objects.create(
            comment=comment, body=comment.body, kind=CommentRevision.Kind.EDIT
        )
        comment.body = text
        comment.edited_at = timezone.now()
        comment.flags = [flag.as_dict() for flag in verdict.flags]
        comment.flag_codes = " ".join(sorted({flag.code for flag in verdict.flags}))
        comment.risk_score = verdict.score
        comment.score_reasons = verdict.score_reasons
        comment.save(
            update_fields=[
                "body",
                "edited_at",
                "flags",
                "flag_codes",
                "risk_score",
                "score_reasons",
            ]
        )
        if verdict.status != comment.status and verdict.status == CommentStatus.PENDING:
            before = change_status(comment, CommentStatus.PENDING)
            record(
                "comment.hold",
                comment=comment,
                before=before,
                after="pending",
                reason=", ".join(flag.code for flag in verdict.flags),
            )
        else:
            bump_version(comment.article_id)
        send_event("comment.edited", comment=comment)
    return comment
