"""Moderators' queues and decisions; the moderation services check every role."""

from typing import Annotated, Literal

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router

from debatte.accounts.models import User
from debatte.api.auth import SIGNED_IN, Principal, principal_of
from debatte.api.discussions import READ, WRITE, ArticleKey, Label
from debatte.api.errors import ApiError
from debatte.api.lookups import article_for, comment_for, moderator_for
from debatte.api.schemas import (
    KEY_PATTERN,
    MAX_ID,
    ArticleOut,
    CommentOut,
    DiscussionIn,
    FeatureIn,
    LiftIn,
    ModeratedUserOut,
    PremoderateIn,
    QueueOut,
    RejectIn,
    ShortenIn,
    SuspendIn,
    UserDecisionIn,
    present_article,
    present_comment,
    present_queue_item,
    present_user,
)
from debatte.articles.models import Site
from debatte.discussions.models import Comment
from debatte.moderation.models import Reason, ReasonKind
from debatte.moderation.queue_selectors import Queue, QueueFilter, QueueOrder, list_queue
from debatte.moderation.selectors import get_active_reason
from debatte.moderation.services import decisions, discussions, users
from debatte.moderation.services.permissions import check_can_moderate, sites_moderated_by
from debatte.moderation.services.users import UNSET, SiteChoice

router = Router(tags=["moderation"], auth=SIGNED_IN)
MAX_QUEUE = 100
UserId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("/moderation/queues/{queue}", response={200: QueueOut, **READ})
def get_queue(
    request: HttpRequest,
    queue: Literal["pending", "reported", "flagged", "decided"],
    site: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    section: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    article: Annotated[str | None, Query(pattern=KEY_PATTERN)] = None,
    reason: Annotated[str, Query(max_length=50, description="A flag code or report reason")] = "",
    order: QueueOrder = QueueOrder.RISK,
    limit: Annotated[int, Query(ge=1, le=MAX_QUEUE)] = 50,
) -> QueueOut:
    """One page of a queue of the sites the moderator works on, riskiest (or oldest) first."""
    principal = principal_of(request)
    moderator = moderator_for(principal)
    if site is not None:
        check_can_moderate(moderator, site)
    elif not sites_moderated_by(moderator).exists():
        raise ApiError(403, "forbidden", _("You are not a moderator of this site."))
    article_id = article_for(principal, article).pk if article else None
    items = list_queue(
        moderator,
        queue=Queue(queue),
        scope=QueueFilter(site_id=site, section_id=section, article_id=article_id, reason=reason),
        order=order,
        limit=limit,
    )
    return QueueOut(queue=queue, items=[present_queue_item(item) for item in items])


def _comment(request: HttpRequest, key: str, label: str) -> tuple[User, Comment]:
    principal = principal_of(request)
    moderator = moderator_for(principal)
    article = article_for(principal, key)
    return moderator, comment_for(principal, article, label, any_status=True)


def _reason(comment: Comment, kind: str, code: str) -> Reason:
    reason = get_active_reason(comment.article.site_id or 0, kind, code)
    if reason is None:
        raise ApiError(400, "reason", _("Please choose a reason from this site's catalogue."))
    return reason


def _moderated(comment: Comment) -> CommentOut:
    return present_comment(comment, comment.article.key, show_removed_text=True, with_badges=False)


COMMENT_DECISION = "/moderation/articles/{key}/comments/{label}"


@router.post(COMMENT_DECISION + "/approve", response={200: CommentOut, **WRITE})
def approve_comment(request: HttpRequest, key: ArticleKey, label: Label) -> CommentOut:
    """Publish a held comment (or confirm a reported one); its reports are resolved."""
    moderator, comment = _comment(request, key, label)
    return _moderated(decisions.approve_comment(comment, moderator=moderator))


@router.post(COMMENT_DECISION + "/reject", response={200: CommentOut, **WRITE})
def reject_comment(
    request: HttpRequest, key: ArticleKey, label: Label, payload: RejectIn
) -> CommentOut:
    """Remove a comment with a reason from the site's catalogue ("Entfernt. ...")."""
    moderator, comment = _comment(request, key, label)
    reason = _reason(comment, ReasonKind.REJECT, payload.reason)
    return _moderated(decisions.reject_comment(comment, moderator=moderator, reason=reason))


@router.post(COMMENT_DECISION + "/shorten", response={200: CommentOut, **WRITE})
def shorten_comment(
    request: HttpRequest, key: ArticleKey, label: Label, payload: ShortenIn
) -> CommentOut:
    """Publish a shortened text with the note "Gekürzt. ..."."""
    moderator, comment = _comment(request, key, label)
    reason = _reason(comment, ReasonKind.SHORTEN, payload.reason)
    shortened = decisions.shorten_comment(
        comment, moderator=moderator, reason=reason, body=payload.body
    )
    return _moderated(shortened)


@router.post(COMMENT_DECISION + "/feature", response={200: CommentOut, **WRITE})
def feature_comment(
    request: HttpRequest, key: ArticleKey, label: Label, payload: FeatureIn
) -> CommentOut:
    """Make a comment an editor's recommendation, or (featured: false) no longer one."""
    moderator, comment = _comment(request, key, label)
    featured = decisions.feature_comment(comment, moderator=moderator, featured=payload.featured)
    return _moderated(featured)


Decision = UserDecisionIn | SuspendIn | PremoderateIn | LiftIn


def _decision(
    request: HttpRequest, user_id: int, payload: Decision
) -> tuple[User, User, Comment | None, SiteChoice]:
    """Moderator, reader, the comment named (if any) and the site the decision applies to."""
    principal = principal_of(request)
    moderator = moderator_for(principal)
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise Http404(_("There is no such reader."))
    key = getattr(payload, "article_key", None)
    label = getattr(payload, "comment_label", None)
    if (key is None) != (label is None):
        raise ApiError(
            400, "comment_reference", _("Name the comment by article_key and comment_label.")
        )
    comment = None
    if key is not None and label is not None:
        comment = comment_for(principal, article_for(principal, key), label, any_status=True)
        if comment.author_id != user.pk:
            raise ApiError(400, "comment_reference", _("This comment is not by this reader."))
    return moderator, user, comment, _site(principal, payload, comment)


def _site(principal: Principal, payload: Decision, comment: Comment | None) -> SiteChoice:
    """The payload's site (or all sites), else the comment's, else the API token's."""
    token_site = principal.site_id
    if payload.all_sites:
        if payload.site is not None:
            raise ApiError(400, "site", _("Name one site or all sites, not both."))
        if token_site is not None:
            raise ApiError(403, "wrong_site", _("This API token belongs to one site."))
        return None
    if payload.site is not None:
        if token_site is not None and payload.site != token_site:
            raise ApiError(403, "wrong_site", _("This API token belongs to another site."))
        site = Site.objects.filter(pk=payload.site).first()
        if site is None:
            raise Http404(_("There is no such site."))
        return site
    if comment is not None:
        return UNSET
    if token_site is not None:
        return Site.objects.get(pk=token_site)
    raise ApiError(400, "site", _("Name the site (site) or the comment the decision is about."))


def _present(user: User, comment: Comment | None, site: SiteChoice) -> ModeratedUserOut:
    if site is UNSET:
        return present_user(user, comment.article.site_id if comment is not None else None)
    return present_user(user, site.pk if site is not None else None)


USER_DECISION = "/moderation/users/{user_id}"


@router.post(USER_DECISION + "/warn", response={200: ModeratedUserOut, **WRITE})
def warn_user(request: HttpRequest, user_id: UserId, payload: UserDecisionIn) -> ModeratedUserOut:
    """Warn a reader on a site; they get a statement of reasons."""
    moderator, user, comment, site = _decision(request, user_id, payload)
    users.warn_user(user, moderator=moderator, reason=payload.reason, comment=comment, site=site)
    return _present(user, comment, site)


@router.post(USER_DECISION + "/suspend", response={200: ModeratedUserOut, **WRITE})
def suspend_user(request: HttpRequest, user_id: UserId, payload: SuspendIn) -> ModeratedUserOut:
    """Stop a reader from commenting on a site for 1 to 365 days."""
    moderator, user, comment, site = _decision(request, user_id, payload)
    users.suspend_user(
        user,
        moderator=moderator,
        days=payload.days,
        reason=payload.reason,
        comment=comment,
        site=site,
    )
    return _present(user, comment, site)


@router.post(USER_DECISION + "/ban", response={200: ModeratedUserOut, **WRITE})
def ban_user(request: HttpRequest, user_id: UserId, payload: UserDecisionIn) -> ModeratedUserOut:
    """Ban a reader from a site (or, for administrators, from all sites)."""
    moderator, user, comment, site = _decision(request, user_id, payload)
    users.ban_user(user, moderator=moderator, reason=payload.reason, comment=comment, site=site)
    return _present(user, comment, site)


@router.post(USER_DECISION + "/premoderate", response={200: ModeratedUserOut, **WRITE})
def premoderate_user(
    request: HttpRequest, user_id: UserId, payload: PremoderateIn
) -> ModeratedUserOut:
    """Hold every comment of this reader on a site for a moderator (enabled: false stops it)."""
    moderator, user, comment, site = _decision(request, user_id, payload)
    users.set_premoderation(
        user,
        moderator=moderator,
        enabled=payload.enabled,
        reason=payload.reason,
        comment=comment,
        site=site,
    )
    return _present(user, comment, site)


@router.post(USER_DECISION + "/lift", response={200: ModeratedUserOut, **WRITE})
def lift_restrictions(request: HttpRequest, user_id: UserId, payload: LiftIn) -> ModeratedUserOut:
    """Lift a reader's restrictions on a site (of `kinds`, else all); they are told why."""
    moderator, user, comment, site = _decision(request, user_id, payload)
    users.lift_restrictions(
        user, site=site, moderator=moderator, reason=payload.reason, kinds=payload.kinds
    )
    return _present(user, comment, site)


@router.post("/moderation/articles/{key}/close", response={200: ArticleOut, **WRITE})
def close_discussion(request: HttpRequest, key: ArticleKey, payload: DiscussionIn) -> ArticleOut:
    """Close a discussion: nobody can comment until it is reopened."""
    principal = principal_of(request)
    moderator = moderator_for(principal)
    article = article_for(principal, key)
    discussions.close_discussion(article, moderator=moderator, reason=payload.reason)
    return present_article(article)


@router.post("/moderation/articles/{key}/reopen", response={200: ArticleOut, **WRITE})
def reopen_discussion(request: HttpRequest, key: ArticleKey, payload: DiscussionIn) -> ArticleOut:
    """Reopen a closed discussion."""
    principal = principal_of(request)
    moderator = moderator_for(principal)
    article = article_for(principal, key)
    discussions.reopen_discussion(article, moderator=moderator, reason=payload.reason)
    return present_article(article)
