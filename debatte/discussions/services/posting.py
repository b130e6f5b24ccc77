from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from debatte.accounts.models import User
from debatte.articles.models import Article
from debatte.core.audit import record
from debatte.core.exceptions import ActionError, NotPermitted
from debatte.core.text import normalise_comment_text
from debatte.discussions.checks import (
    AuthorFacts,
    DiscussionFacts,
    Outcome,
    PipelineContext,
    RecentActivity,
    Verdict,
    comment_checks,
)
from debatte.discussions.events import send_event
from debatte.discussions.models import Comment, CommentStatus
from debatte.discussions.services.access import check_may_act_on_site
from debatte.discussions.services.activity import lock_writer, recount_activity, writer_facts
from debatte.discussions.services.counters import bump_version
from debatte.discussions.services.numbering import next_comment_number, next_reply_number


def build_pipeline_context(
    article: Article,
    author: User,
    text: str,
    *,
    ip_address: str | None = None,
    editing: Comment | None = None,
) -> PipelineContext:
    """The plain facts the moderation pipeline decides on (it never sees our models)."""
    site = article.site
    now = timezone.now()
    if editing is None:
        facts = writer_facts(author, site=site, text=text, ip_address=ip_address, now=now)
        published_comments, activity = facts.published_comments, facts.activity
    else:
        published = Comment.objects.filter(author=author, status=CommentStatus.PUBLISHED)
        published_comments, activity = published.count(), RecentActivity()
    # On this article's site (and all sites); a query only for readers ever restricted.
    restricted = comment_checks().standing(author, site.pk, now=now)
    return PipelineContext(
        text=text,
        now=now,
        is_edit=editing is not None,
        author=AuthorFacts(
            user_id=author.pk,
            is_staff=author.is_staff,
            account_age=now - author.date_joined,
            published_comments=published_comments,
            banned=restricted.banned,
            suspended_until=restricted.suspended_until,
            always_premoderate=restricted.premoderated,
        ),
        discussion=DiscussionFacts(
            site_id=site.pk,
            word_list_version=site.word_list_version,
            closed_reason=article.closed_reason(now),
            mode=article.effective_moderation_mode(),
            max_length=settings.DEBATTE["COMMENT_MAX_LENGTH"],
            hold_links=site.hold_links,
            new_account_hold_count=site.new_account_hold_count,
            risk_threshold=site.risk_threshold,
            external_check_url=site.external_check_url,
            external_check_timeout=site.external_check_timeout,
        ),
        activity=activity,
    )


def check_verdict(verdict: Verdict) -> None:
    check_refusal(verdict.refusal)


class CommentRefused(ActionError):
    """The checks refused the comment's text; `code` names the rule (the API adds the site's
    Netiquette to its answer, as the pages show it under the field)."""


def check_refusal(refusal: Outcome | None) -> None:
    if refusal is not None:
        raise CommentRefused(refusal.detail, code=refusal.code)


def check_activity_again(
    article: Article, author: User, text: str, *, ip_address: str | None
) -> None:
    """The rate and repeat rules once more, inside the posting transaction: the pipeline counted
    before it, so a burst of simultaneous posts would all have passed on the same counts."""
    lock_writer(author)
    activity = recount_activity(
        author, site=article.site, text=text, ip_address=ip_address, now=timezone.now()
    )
    check_refusal(comment_checks().activity_refusal(activity))


def numbered_comment(article: Article, parent: Comment | None, *, published: bool) -> Comment:
    """A new comment with its number, the counters already advanced (inside the transaction)."""
    if parent is None:
        return Comment(article=article, number=next_comment_number(article, published=published))
    thread = parent.thread or parent
    comment = Comment(
        article=article,
        parent=parent,
        thread=thread,
        number=thread.number,
        reply_number=next_reply_number(thread, published=published),
        parent_reply_number=parent.reply_number if parent.is_reply else None,
    )
    bump_version(article.pk, comments=1 if published else 0)
    return comment


def post_comment(
    article: Article,
    *,
    author: User,
    body: str,
    parent: Comment | None = None,
    ip_address: str | None = None,
) -> Comment:
    """Write a comment (or a reply to `parent`), run it through moderation, number it.

    Raises ActionError with a message for the writer when the comment is refused.
    """
    if not author.is_active:
        raise NotPermitted(_("Your account cannot write comments."))
    if not author.may_comment:
        raise NotPermitted(_("Your access does not include writing comments."))
    check_may_act_on_site(author, article.site)
    if parent is not None and parent.article_id != article.pk:
        raise ActionError(_("That comment belongs to another article."), code="wrong_article")
    if parent is not None and parent.status != CommentStatus.PUBLISHED:
        raise ActionError(_("This comment cannot be answered."), code="parent_unavailable")
    text = normalise_comment_text(body)
    verdict = comment_checks().check(
        build_pipeline_context(article, author, text, ip_address=ip_address)
    )
    check_verdict(verdict)

    published = verdict.status == CommentStatus.PUBLISHED
    with transaction.atomic():
        check_activity_again(article, author, text, ip_address=ip_address)
        comment = numbered_comment(article, parent, published=published)
        comment.author = author
        comment.author_name = author.display_name
        comment.body = text
        comment.status = verdict.status
        comment.created_at = timezone.now()
        comment.ip_address = ip_address
        comment.flags = [flag.as_dict() for flag in verdict.flags]
        comment.flag_codes = " ".join(sorted({flag.code for flag in verdict.flags}))
        comment.risk_score = verdict.score
        comment.score_reasons = verdict.score_reasons
        comment.save()
        if not published:
            record(
                "comment.hold",
                comment=comment,
                after=comment.status,
                reason=", ".join(flag.code for flag in verdict.flags) or "pre-moderation",
            )
        send_event("comment.created", comment=comment)
        send_event("comment.published" if published else "comment.held", comment=comment)
    return comment
