"""Reads the API needs that the apps' selectors do not offer yet; each a bounded query.

These belong beside their models eventually (see docs/api.md, "Gaps"); they only read.
"""

from django.db.models import Q, QuerySet

from debatte.accounts.models import User
from debatte.api.models import ApiToken, hash_token
from debatte.articles.models import Article
from debatte.discussions.models import VISIBLE_STATUSES, Comment, CommentStatus, Recommendation
from debatte.moderation.models import Reason


def get_active_token(plain: str) -> ApiToken | None:
    tokens = ApiToken.objects.select_related("acting_user")
    return tokens.filter(token_hash=hash_token(plain), is_active=True).first()


def get_article(key: str) -> Article | None:
    return Article.objects.select_related("site", "section").filter(key=key).first()


def comment_counts(keys: list[str], *, site_id: int | None = None) -> dict[str, int]:
    """Published comment counts of many articles in one query (unknown keys: 0)."""
    rows = Article.objects.filter(key__in=keys)
    if site_id is not None:
        rows = rows.filter(site_id=site_id)
    found = dict(rows.values_list("key", "comment_count"))
    return {key: found.get(key, 0) for key in keys}


def is_visible(comment: Comment, viewer: User | None) -> bool:
    """Readers see published comments and tombstones; authors also their held comments."""
    if comment.status in VISIBLE_STATUSES:
        return True
    return viewer is not None and comment.author_id == viewer.pk


def list_thread_replies(
    thread: Comment, *, viewer: User | None, after: int = 0, limit: int
) -> list[Comment]:
    """Replies of a top-level comment after reply number `after`, oldest first."""
    visible = Q(status__in=VISIBLE_STATUSES)
    if viewer is not None:
        visible |= Q(status=CommentStatus.PENDING, author=viewer)
    rows: QuerySet[Comment] = (
        Comment.objects.filter(visible, thread=thread, reply_number__gt=after)
        .select_related("author")
        .prefetch_related("author__badges")
        .order_by("reply_number")
    )
    return list(rows[:limit])


def list_own_comments(author: User, *, before_id: int | None, limit: int) -> list[Comment]:
    """A reader's own comments in every state, newest first, keyset-paginated by id."""
    rows = Comment.objects.filter(author=author).select_related("article").order_by("-pk")
    if before_id is not None:
        rows = rows.filter(pk__lt=before_id)
    return list(rows[:limit])


def get_reason(site_id: int, kind: str, code: str) -> Reason | None:
    return (
        Reason.objects.select_related("site")
        .filter(site_id=site_id, kind=kind, code=code, is_active=True)
        .first()
    )


def get_user(user_id: int) -> User | None:
    return User.objects.filter(pk=user_id).first()


def recommended_among(user: User, comment_ids: list[int]) -> set[int]:
    """Which of these comments the reader has recommended (one query)."""
    if not comment_ids:
        return set()
    return set(
        Recommendation.objects.filter(user=user, comment_id__in=comment_ids).values_list(
            "comment_id", flat=True
        )
    )
