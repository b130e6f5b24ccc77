from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from debatte.accounts.models import User
from debatte.articles.models import Article
from debatte.core.exceptions import ActionError, NotPermitted
from debatte.core.text import normalise_comment_text
from debatte.discussions.models import Comment, CommentStatus
from debatte.discussions.services.counters import adjust_reply_count, bump_version
from debatte.discussions.services.numbering import next_comment_number, next_reply_number


def check_comment_text(body: str) -> str:
    """Normalise a comment's text or say what is wrong with it."""
    text = normalise_comment_text(body)
    limit = settings.DEBATTE["COMMENT_MAX_LENGTH"]
    if not text:
        raise ActionError(_("Please write something first."), code="empty")
    if len(text) > limit:
        raise ActionError(
            _("Your comment has %(length)d characters; at most %(limit)d are allowed.")
            % {"length": len(text), "limit": limit},
            code="too_long",
        )
    return text


def check_can_post(article: Article, author: User) -> None:
    if not author.is_active:
        raise NotPermitted(_("Your account cannot write comments."))
    if not article.has_discussion:
        raise ActionError(_("This article has no discussion."), code="no_discussion")
    if not article.is_open_for_comments:
        raise ActionError(_("The discussion is closed."), code="closed")


def post_comment(
    article: Article,
    *,
    author: User,
    body: str,
    parent: Comment | None = None,
    ip_address: str | None = None,
) -> Comment:
    """Write a comment (or a reply to `parent`) and give it its number."""
    text = check_comment_text(body)
    check_can_post(article, author)
    if parent is not None and parent.article_id != article.pk:
        raise ActionError(_("That comment belongs to another article."), code="wrong_article")
    if parent is not None and parent.status != CommentStatus.PUBLISHED:
        raise ActionError(_("This comment cannot be answered."), code="parent_unavailable")

    with transaction.atomic():
        if parent is None:
            comment = Comment(article=article, number=next_comment_number(article))
        else:
            thread = parent.thread or parent
            comment = Comment(
                article=article,
                parent=parent,
                thread=thread,
                number=thread.number,
                reply_number=next_reply_number(thread),
                parent_reply_number=parent.reply_number if parent.is_reply else None,
            )
            adjust_reply_count(thread.pk, +1)
        comment.author = author
        comment.author_name = author.display_name
        comment.body = text
        comment.status = CommentStatus.PUBLISHED
        comment.created_at = timezone.now()
        comment.ip_address = ip_address
        comment.save()
        bump_version(article.pk, comments=1)
    return comment
