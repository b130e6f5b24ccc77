"""Request and response shapes, and the functions that present models as them."""

from datetime import datetime
from typing import Annotated, Literal

from django.urls import reverse
from ninja import Schema
from pydantic import Field

from debatte.accounts.models import User
from debatte.articles.models import Article
from debatte.core.text import render_comment_text
from debatte.discussions.models import Comment, CommentStatus, ReportReason
from debatte.moderation.queue_selectors import QueueItem
from debatte.moderation.restrictions import restriction_status

# Keyset cursors as get_thread_page makes them ("12" or "3_12"), bounded so that no number
# overflows a database integer.
CURSOR_PATTERN = r"^\d{1,10}(_\d{1,10})?$"
LABEL_PATTERN = r"^\d{1,9}(\.\d{1,9})?$"
KEY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:~-]{0,199}$"
MAX_ID = 2**53 - 1

Cursor = Annotated[str, Field(pattern=CURSOR_PATTERN)]
StatusName = Literal["published", "pending", "rejected", "deleted"]
ReasonName = Literal[tuple(ReportReason.values)]  # type: ignore[valid-type]


class AuthorOut(Schema):
    id: int | None
    name: str
    badges: list[str]


class CommentOut(Schema):
    id: int
    label: str = Field(description='"#1" or "#1.2"')
    number: int
    reply_number: int
    article_key: str
    reply_to: str | None = Field(description='"Antwort auf #1.2": the reply answered, if any')
    author: AuthorOut
    status: StatusName
    body: str = Field(description="Plain text; empty for removed and deleted comments")
    body_html: str = Field(description="The text as HTML: escaped, paragraphs, links")
    moderation_note: str
    is_editor_pick: bool
    is_edited: bool
    recommendation_count: int
    reply_count: int
    created_at: datetime
    edited_at: datetime | None
    url: str = Field(description="The comment's permalink")
    recommended_by_me: bool | None = Field(description="None when no reader is signed in")


class ThreadEntryOut(CommentOut):
    replies: list[CommentOut]
    hidden_replies: int = Field(description="Replies not included (read the comment for them)")


class ArticleOut(Schema):
    key: str
    title: str
    url: str
    comment_count: int
    discussion_status: Literal["open", "closed", "none"]
    closed_reason: str | None
    version: int


class ThreadPageOut(Schema):
    article: ArticleOut
    sort: Literal["oldest", "newest", "recommended"]
    editor_picks_only: bool
    items: list[ThreadEntryOut]
    next_cursor: str | None
    previous_cursor: str | None


class CommentDetailOut(Schema):
    comment: CommentOut
    replies: list[CommentOut]
    next_replies_cursor: str | None


class CommentIn(Schema):
    body: str = Field(min_length=1, max_length=20_000)


class ReportIn(Schema):
    reason: ReasonName  # type: ignore[valid-type]
    explanation: str = Field("", max_length=2000)


class ReportOut(Schema):
    reported: bool


class RecommendationOut(Schema):
    recommended: bool
    recommendation_count: int


class CountsOut(Schema):
    counts: dict[str, int]


class RestrictionOut(Schema):
    site_id: int | None = Field(description="None: all sites")
    kind: Literal["ban", "suspend", "premoderate", "warn"]
    until: datetime | None
    created_at: datetime


class MeOut(Schema):
    id: int
    display_name: str
    email: str | None
    language: str
    badges: list[str]
    date_joined: datetime
    banned: bool = Field(description="On the API token's site, else on all sites")
    suspended_until: datetime | None
    always_premoderated: bool
    warning_count: int
    restrictions: list[RestrictionOut] = Field(description="Open restrictions, per site")


class OwnCommentOut(CommentOut):
    article_title: str


class OwnCommentsOut(Schema):
    items: list[OwnCommentOut]
    next_cursor: str | None


class AuthorHistoryOut(Schema):
    comments: int
    removed: int
    account_age_days: int | None


class QueueItemOut(Schema):
    comment: CommentOut
    article_title: str
    site_id: int
    risk_score: float | None
    flags: list[str]
    report_reasons: list[str]
    author_history: AuthorHistoryOut
    claimed_by_other: bool


class QueueOut(Schema):
    queue: str
    items: list[QueueItemOut]


class RejectIn(Schema):
    reason: str = Field(min_length=1, max_length=50, description="A reason code of the site")


class ShortenIn(Schema):
    reason: str = Field(min_length=1, max_length=50, description="A reason code of the site")
    body: str = Field(min_length=1, max_length=20_000)


class FeatureIn(Schema):
    featured: bool = True


SITE_HELP = "The site it applies to (else the API token's or the comment's site)"
ALL_SITES_HELP = "On all sites (administrators only)"


class UserDecisionIn(Schema):
    reason: str = Field(min_length=1, max_length=1000)
    article_key: str | None = Field(None, pattern=KEY_PATTERN)
    comment_label: str | None = Field(
        None, pattern=LABEL_PATTERN, description="The comment that led to the decision"
    )
    site: int | None = Field(None, ge=1, le=MAX_ID, description=SITE_HELP)
    all_sites: bool = Field(False, description=ALL_SITES_HELP)


class SuspendIn(UserDecisionIn):
    days: int = Field(ge=1, le=365)


class PremoderateIn(Schema):
    enabled: bool = True
    reason: str = Field("", max_length=1000)
    article_key: str | None = Field(None, pattern=KEY_PATTERN)
    comment_label: str | None = Field(None, pattern=LABEL_PATTERN)
    site: int | None = Field(None, ge=1, le=MAX_ID, description=SITE_HELP)
    all_sites: bool = Field(False, description=ALL_SITES_HELP)


class LiftIn(Schema):
    reason: str = Field(min_length=1, max_length=1000)
    kinds: list[Literal["ban", "suspend", "premoderate", "warn"]] | None = Field(
        None, description="What to lift; all open restrictions on the site when left out"
    )
    site: int | None = Field(None, ge=1, le=MAX_ID, description=SITE_HELP)
    all_sites: bool = Field(False, description=ALL_SITES_HELP)


class DiscussionIn(Schema):
    reason: str = Field("", max_length=1000)


class ModeratedUserOut(Schema):
    id: int
    display_name: str
    site_id: int | None = Field(description="The site of the status below (None: all sites)")
    banned: bool
    suspended_until: datetime | None
    always_premoderated: bool
    warning_count: int


def present_author(comment: Comment) -> AuthorOut:
    author = comment.author
    badges: list[str] = []
    if author is not None:
        badges = [badge.label for badge in author.badges.all()]  # prefetched by the selectors
    return AuthorOut(id=comment.author_id, name=comment.author_name, badges=badges)


def present_comment(
    comment: Comment,
    article_key: str,
    *,
    recommended_ids: set[int] | None = None,
    show_removed_text: bool = False,
    with_badges: bool = True,
) -> CommentOut:
    removed = comment.status in (CommentStatus.REJECTED, CommentStatus.DELETED)
    body = "" if removed and not show_removed_text else comment.body
    return CommentOut(
        id=comment.pk,
        label=comment.label,
        number=comment.number,
        reply_number=comment.reply_number,
        article_key=article_key,
        reply_to=comment.parent_label,
        author=present_author(comment)
        if with_badges
        else AuthorOut(id=comment.author_id, name=comment.author_name, badges=[]),
        status=comment.status,  # type: ignore[arg-type]
        body=body,
        body_html=str(render_comment_text(body)) if body else "",
        moderation_note=comment.moderation_note,
        is_editor_pick=comment.is_editor_pick,
        is_edited=comment.is_edited,
        recommendation_count=comment.recommendation_count,
        reply_count=comment.reply_count,
        created_at=comment.created_at,
        edited_at=comment.edited_at,
        url=reverse(
            "comment-permalink",
            kwargs={"article_key": article_key, "comment_label": comment.url_label},
        ),
        recommended_by_me=None if recommended_ids is None else comment.pk in recommended_ids,
    )


def present_article(article: Article) -> ArticleOut:
    return ArticleOut(
        key=article.key,
        title=article.title,
        url=article.get_absolute_url(),
        comment_count=article.comment_count,
        discussion_status=article.discussion_status,  # type: ignore[arg-type]
        closed_reason=article.closed_reason(),
        version=article.version,
    )


def present_queue_item(item: QueueItem) -> QueueItemOut:
    comment = item.comment
    age = item.history.account_age
    return QueueItemOut(
        comment=present_comment(
            comment, comment.article.key, show_removed_text=True, with_badges=False
        ),
        article_title=comment.article.title,
        site_id=comment.article.site_id or 0,
        risk_score=comment.risk_score,
        flags=comment.flag_codes.split(),
        report_reasons=item.report_reasons,
        author_history=AuthorHistoryOut(
            comments=item.history.comments,
            removed=item.history.removed,
            account_age_days=age.days if age is not None else None,
        ),
        claimed_by_other=item.claimed_by_other,
    )


def present_user(user: User, site_id: int | None) -> ModeratedUserOut:
    status = restriction_status(user, site_id)
    return ModeratedUserOut(
        id=user.pk,
        display_name=user.display_name,
        site_id=site_id,
        banned=status.banned,
        suspended_until=status.suspended_until,
        always_premoderated=status.premoderated,
        warning_count=user.warning_count,
    )
