"""Reading and writing discussions: thin operations over the discussion services."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.responses import NinjaJSONEncoder
from pydantic import Field

from debatte.accounts.models import User
from debatte.api.auth import PUBLIC, SIGNED_IN, principal_of
from debatte.api.errors import (
    COMMON_ERRORS,
    NOT_FOUND,
    REFUSED,
    TEXT_REFUSED,
    THROTTLED,
    ApiError,
    ErrorOut,
    TextRefused,
)
from debatte.api.lookups import article_for, comment_for
from debatte.api.schemas import (
    KEY_PATTERN,
    LABEL_PATTERN,
    CommentDetailOut,
    CommentIn,
    CommentOut,
    CountsOut,
    Cursor,
    RecommendationOut,
    ReportIn,
    ReportOut,
    ThreadEntryOut,
    ThreadPageOut,
    present_article,
    present_comment,
)
from debatte.articles.models import Article
from debatte.articles.selectors import count_comments_by_key
from debatte.core import caching
from debatte.core.clientip import client_ip
from debatte.discussions import services
from debatte.discussions.selectors import (
    Access,
    Sort,
    get_thread_page,
    list_thread_replies,
    recommended_among,
)
from debatte.discussions.services.posting import CommentRefused

router = Router(tags=["discussions"])

ArticleKey = Annotated[
    str,
    Path(pattern=KEY_PATTERN, description="The article's stable key", examples=["nato-dialog"]),
]
Label = Annotated[
    str,
    Path(pattern=LABEL_PATTERN, description='"3" for #3, "3.2" for #3.2', examples=["1", "1.1"]),
]
MAX_PAGE = 50
MAX_REPLIES = 100
MAX_KEYS = 100

READ = {**COMMON_ERRORS, **NOT_FOUND, 400: ErrorOut}
WRITE = {**COMMON_ERRORS, **NOT_FOUND, **REFUSED}
LIMITED_WRITE = {**WRITE, **THROTTLED}  # 429 with Retry-After
# Writing a comment's text: a refusal carries the site's Netiquette URL.
POSTING = {**WRITE, **TEXT_REFUSED}
EDITING = {**LIMITED_WRITE, **TEXT_REFUSED}


@contextmanager
def netiquette_on_refusal(article: Article) -> Iterator[None]:
    """A refused text answers 400 with the rule's code and the site's Netiquette URL (the
    pages show it under the field in the same case)."""
    try:
        yield
    except CommentRefused as refusal:
        netiquette_url = article.site.netiquette_url
        raise TextRefused(refusal.code, refusal.message, netiquette_url=netiquette_url) from None


@router.get("/articles/{key}/comments", response={200: ThreadPageOut, **READ}, auth=PUBLIC)
def get_discussion(
    request: HttpRequest,
    key: ArticleKey,
    sort: Sort = Sort.OLDEST,
    picks: Annotated[bool, Query(description="Only editor's recommendations")] = False,
    after: Annotated[Cursor | None, Query(description="next_cursor of the page before")] = None,
    before: Annotated[Cursor | None, Query(description="previous_cursor of the page after")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 25,
) -> HttpResponseBase:
    """One page of top-level comments (or editor's picks) with a preview of their replies.

    Sends an ETag named by the discussion's version: a request with a matching
    `If-None-Match` gets 304 without a body."""
    principal = principal_of(request)
    if after and before:
        raise ApiError(400, "invalid_cursor", _("Give either `after` or `before`, not both."))
    article = article_for(principal, key)
    viewer = principal.user
    version_key = caching.variant_key(
        request,
        "api-thread-page",
        article.pk,
        article.version,
        article.updated_at.timestamp(),
        article.closed_reason(),
        sort,
        picks,
        after,
        before,
        limit,
    )
    response = caching.not_modified(request, version_key)
    if response is None:
        response = caching.cached_response(
            request,
            version_key,
            lambda: _thread_page_response(
                article, viewer, sort=sort, picks=picks, after=after, before=before, limit=limit
            ),
            store=viewer is None,  # anonymous readers and sites' tokens see the same
        )
    return caching.add_reader_headers(request, response, version_key, vary=("Authorization",))


def _thread_page_response(
    article: Article,
    viewer: User | None,
    *,
    sort: Sort,
    picks: bool,
    after: str | None,
    before: str | None,
    limit: int,
) -> HttpResponse:
    page = get_thread_page(
        article,
        viewer=viewer,
        sort=sort,
        editor_picks_only=picks,
        after=after,
        before=before,
        page_size=limit,
    )
    mine = page.recommended_ids if viewer is not None else None
    items = [
        ThreadEntryOut(
            **present_comment(entry.comment, article.key, recommended_ids=mine).model_dump(),
            replies=[
                present_comment(reply, article.key, recommended_ids=mine) for reply in entry.replies
            ],
            hidden_replies=entry.hidden_replies,
        )
        for entry in page.entries
    ]
    out = ThreadPageOut(
        article=present_article(article),
        sort=page.sort.value,  # type: ignore[arg-type]
        editor_picks_only=page.editor_picks_only,
        items=items,
        next_cursor=page.next_cursor,
        previous_cursor=page.previous_cursor,
    )
    # Rendered as django-ninja renders a returned schema, so that the bytes can be stored.
    return HttpResponse(
        json.dumps(out.model_dump(), cls=NinjaJSONEncoder),
        content_type="application/json; charset=utf-8",
    )


@router.get(
    "/articles/{key}/comments/{label}", response={200: CommentDetailOut, **READ}, auth=PUBLIC
)
def get_comment(
    request: HttpRequest,
    key: ArticleKey,
    label: Label,
    replies_after: Annotated[int, Query(ge=0, le=10**9)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_REPLIES)] = 50,
) -> CommentDetailOut:
    """One comment and, for a top-level comment, its replies (paged by reply number)."""
    principal = principal_of(request)
    article = article_for(principal, key)
    comment = comment_for(principal, article, label)
    viewer = principal.user
    replies = []
    if not comment.is_reply:
        replies = list_thread_replies(comment, viewer=viewer, after=replies_after, limit=limit + 1)
    more = len(replies) > limit
    replies = replies[:limit]
    mine = (
        recommended_among(viewer, [comment.pk] + [r.pk for r in replies])
        if viewer is not None
        else None
    )
    return CommentDetailOut(
        comment=present_comment(comment, article.key, recommended_ids=mine),
        replies=[present_comment(r, article.key, recommended_ids=mine) for r in replies],
        next_replies_cursor=str(replies[-1].reply_number) if more else None,
    )


@router.post("/articles/{key}/comments", response={201: CommentOut, **POSTING}, auth=SIGNED_IN)
def post_comment(request: HttpRequest, key: ArticleKey, payload: CommentIn) -> Status[CommentOut]:
    """Write a top-level comment. It may be published at once or held for the moderators
    (`status` says which); a refused comment answers 400 with the refusal's code and the
    site's `netiquette_url` when it has one."""
    principal = principal_of(request)
    author = principal.require_user()
    article = article_for(principal, key)
    with netiquette_on_refusal(article):
        comment = services.post_comment(
            article, author=author, body=payload.body, ip_address=client_ip(request)
        )
    return Status(
        201, present_comment(comment, article.key, recommended_ids=set(), with_badges=False)
    )


@router.post(
    "/articles/{key}/comments/{label}/replies",
    response={201: CommentOut, **POSTING},
    auth=SIGNED_IN,
)
def post_reply(
    request: HttpRequest, key: ArticleKey, label: Label, payload: CommentIn
) -> Status[CommentOut]:
    """Reply to a comment (the reply is numbered in its thread: #N.M)."""
    principal = principal_of(request)
    author = principal.require_user()
    article = article_for(principal, key)
    parent = comment_for(principal, article, label, access=Access.RESPOND)
    with netiquette_on_refusal(article):
        comment = services.post_comment(
            article,
            author=author,
            body=payload.body,
            parent=parent,
            ip_address=client_ip(request),
        )
    return Status(
        201, present_comment(comment, article.key, recommended_ids=set(), with_badges=False)
    )


@router.patch(
    "/articles/{key}/comments/{label}", response={200: CommentOut, **EDITING}, auth=SIGNED_IN
)
def edit_comment(
    request: HttpRequest, key: ArticleKey, label: Label, payload: CommentIn
) -> CommentOut:
    """Change one's own comment within the edit window; the new text is checked again."""
    principal = principal_of(request)
    editor = principal.require_user()
    article = article_for(principal, key)
    comment = comment_for(principal, article, label)
    with netiquette_on_refusal(article):
        comment = services.edit_comment(
            comment, editor=editor, body=payload.body, ip_address=client_ip(request)
        )
    return present_comment(comment, article.key, with_badges=False)


@router.delete(
    "/articles/{key}/comments/{label}", response={200: CommentOut, **WRITE}, auth=SIGNED_IN
)
def delete_comment(request: HttpRequest, key: ArticleKey, label: Label) -> CommentOut:
    """Delete one's own comment: a tombstone keeps its number and its replies."""
    principal = principal_of(request)
    actor = principal.require_user()
    article = article_for(principal, key)
    comment = comment_for(principal, article, label)
    comment = services.delete_comment(comment, actor=actor)
    return present_comment(comment, article.key, with_badges=False)


@router.post(
    "/articles/{key}/comments/{label}/recommendation",
    response={200: RecommendationOut, **LIMITED_WRITE},
    auth=SIGNED_IN,
)
def recommend_comment(request: HttpRequest, key: ArticleKey, label: Label) -> RecommendationOut:
    """Recommend a comment ("Leserempfehlung"); recommending twice changes nothing."""
    principal = principal_of(request)
    user = principal.require_user()
    article = article_for(principal, key)
    comment = comment_for(principal, article, label, access=Access.RESPOND)
    services.recommend_comment(comment, user=user, ip_address=client_ip(request))
    return RecommendationOut(recommended=True, recommendation_count=comment.recommendation_count)


@router.delete(
    "/articles/{key}/comments/{label}/recommendation",
    response={200: RecommendationOut, **LIMITED_WRITE},
    auth=SIGNED_IN,
)
def withdraw_recommendation(
    request: HttpRequest, key: ArticleKey, label: Label
) -> RecommendationOut:
    """Take one's recommendation back; withdrawing twice changes nothing."""
    principal = principal_of(request)
    user = principal.require_user()
    article = article_for(principal, key)
    comment = comment_for(principal, article, label)
    services.withdraw_recommendation(comment, user=user, ip_address=client_ip(request))
    return RecommendationOut(recommended=False, recommendation_count=comment.recommendation_count)


@router.post(
    "/articles/{key}/comments/{label}/reports",
    response={201: ReportOut, **LIMITED_WRITE},
    auth=SIGNED_IN,
)
def report_comment(
    request: HttpRequest, key: ArticleKey, label: Label, payload: ReportIn
) -> Status[ReportOut]:
    """Report a comment to the moderators, once per reader."""
    principal = principal_of(request)
    reporter = principal.require_user()
    article = article_for(principal, key)
    comment = comment_for(principal, article, label, access=Access.RESPOND)
    services.report_comment(
        comment,
        reporter=reporter,
        reason=payload.reason,
        explanation=payload.explanation,
        ip_address=client_ip(request),
    )
    return Status(201, ReportOut(reported=True))


KeyList = Annotated[
    list[Annotated[str, Field(pattern=KEY_PATTERN)]],
    Query(min_length=1, max_length=MAX_KEYS, description="Article keys (repeat the parameter)"),
]


@router.get("/counts", response={200: CountsOut, **COMMON_ERRORS}, auth=PUBLIC)
def get_counts(request: HttpRequest, key: KeyList) -> CountsOut:
    """Published comment counts of up to 100 articles in one request ("42 Kommentare")."""
    principal = principal_of(request)
    keys = list(dict.fromkeys(key))
    return CountsOut(counts=count_comments_by_key(keys, site_id=principal.site_id))
