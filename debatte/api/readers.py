"""The signed-in reader's own data: profile and comments."""

from typing import Annotated

from django.http import HttpRequest
from ninja import Query, Router

from debatte.api.auth import SIGNED_IN, principal_of
from debatte.api.errors import COMMON_ERRORS
from debatte.api.schemas import (
    MAX_ID,
    MeOut,
    OwnCommentOut,
    OwnCommentsOut,
    RestrictionOut,
    present_comment,
)
from debatte.discussions.selectors import list_own_comments
from debatte.moderation.restrictions import open_restrictions, restriction_status

router = Router(tags=["reader"])
MAX_OWN = 100


@router.get("/me", response={200: MeOut, **COMMON_ERRORS}, auth=SIGNED_IN)
def get_me(request: HttpRequest) -> MeOut:
    """The reader's account as others and the moderators know it."""
    principal = principal_of(request)
    user = principal.require_user()
    status = restriction_status(user, principal.site_id)
    return MeOut(
        id=user.pk,
        display_name=user.display_name,
        email=user.email,
        language=user.language,
        badges=[badge.label for badge in user.badges.all()],
        date_joined=user.date_joined,
        banned=status.banned,
        suspended_until=status.suspended_until,
        always_premoderated=status.premoderated,
        warning_count=user.warning_count,
        restrictions=[
            RestrictionOut.model_validate(row, from_attributes=True)
            for row in open_restrictions(user)
        ],
    )


@router.get("/me/comments", response={200: OwnCommentsOut, **COMMON_ERRORS}, auth=SIGNED_IN)
def get_my_comments(
    request: HttpRequest,
    before: Annotated[int | None, Query(ge=1, le=MAX_ID, description="next_cursor")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_OWN)] = 25,
) -> OwnCommentsOut:
    """The reader's own comments in every state (held, removed too), newest first."""
    user = principal_of(request).require_user()
    rows = list_own_comments(user, before_id=before, limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    items = [
        OwnCommentOut(
            **present_comment(
                comment, comment.article.key, show_removed_text=True, with_badges=False
            ).model_dump(),
            article_title=comment.article.title,
        )
        for comment in rows
    ]
    return OwnCommentsOut(items=items, next_cursor=str(rows[-1].pk) if more else None)
