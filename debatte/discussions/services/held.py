"""What a writer is told after posting: published, or held and (where it may be said) why."""

from django.utils.translation import gettext as _

from debatte.articles.models import ModerationMode
from debatte.discussions.models import Comment, CommentStatus


def hold_reason(comment: Comment) -> str | None:
    """The reason a held comment waits, when telling it teaches nothing about the checks.

    Word lists, the classifier and the external check stay unnamed: naming the word or the
    score would show how to get around them.
    """
    hard = {flag.get("code") for flag in comment.flags or [] if flag.get("hard")}
    if "premoderated_user" in hard:
        return _("The moderators check your comments before they are published.")
    if "new_account" in hard:
        return _("The first comments of new accounts are checked before they are published.")
    if comment.article.effective_moderation_mode() == ModerationMode.PRE:
        return _("In this discussion the editors check every comment before it is published.")
    if "links" in hard:
        return _("Comments with links are checked before they are published.")
    return None


def posted_message(comment: Comment) -> str:
    """The one-off message after a post, for the page (the embed says the same)."""
    if comment.status != CommentStatus.PENDING:
        return _("Your comment %(label)s is published.") % {"label": comment.label}
    message = _(
        "Your comment %(label)s is awaiting approval. Only you can see it until a moderator "
        "has checked it."
    ) % {"label": comment.label}
    reason = hold_reason(comment)
    return f"{message} {reason}" if reason else message
