"""Reads of a discussion with its visibility rules, each a constant number of queries.

Pages are keyset-paginated over the thread's own order, so the first page costs the same at 10
comments as at 100,000: no OFFSET, no COUNT, only index range scans.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from debatte.accounts.models import User
from debatte.articles.models import Article
from debatte.articles.roles import moderates_site
from debatte.discussions.models import VISIBLE_STATUSES, Comment, CommentStatus, Recommendation


class Sort(StrEnum):
    OLDEST = "oldest"
    NEWEST = "newest"
    RECOMMENDED = "recommended"


@dataclass
class ThreadEntry:
    comment: Comment
    replies: list[Comment]
    hidden_replies: int


@dataclass
class ThreadPage:
    article: Article
    sort: Sort
    editor_picks_only: bool
    entries: list[ThreadEntry]
    next_cursor: str | None
    previous_cursor: str | None
    expanded_thread: int | None = None
    recommended_ids: set[int] = field(default_factory=set)
    # Whether the viewer may make editor's picks here (the button; the decision checks again).
    viewer_moderates: bool = False

    @property
    def is_first(self) -> bool:
        return self.previous_cursor is None


class InvalidCursor(ValueError):
    pass


def _visible_to(viewer: User | None) -> Q:
    """Readers see published comments and tombstones; authors also their held comments."""
    visible = Q(status__in=VISIBLE_STATUSES)
    if viewer is not None and viewer.is_authenticated:
        visible |= Q(status=CommentStatus.PENDING, author=viewer)
    return visible


def _comment_rows() -> QuerySet[Comment]:
    return Comment.objects.select_related("author").prefetch_related("author__badges")


def _parse_cursor(raw: str, parts: int) -> tuple[int, ...]:
    try:
        values = tuple(int(part) for part in raw.split("_"))
    except ValueError:
        raise InvalidCursor(raw) from None
    if len(values) != parts or any(value < 0 for value in values):
        raise InvalidCursor(raw)
    return values


def _cursor_for(comment: Comment, sort: Sort, editor_picks_only: bool) -> str:
    if editor_picks_only:
        return f"{comment.number}_{comment.reply_number}"
    if sort == Sort.RECOMMENDED:
        return f"{comment.recommendation_count}_{comment.number}"
    return str(comment.number)


def _keyset(
    sort: Sort, editor_picks_only: bool, cursor: str, *, forward: bool
) -> tuple[Q, list[str]]:
    """The filter after (forward) or before a cursor, and the order to read in."""
    if editor_picks_only:
        number, reply = _parse_cursor(cursor, 2)
        later = Q(number__gt=number) | Q(number=number, reply_number__gt=reply)
        earlier = Q(number__lt=number) | Q(number=number, reply_number__lt=reply)
        if forward:
            return later, ["number", "reply_number"]
        return earlier, ["-number", "-reply_number"]
    if sort == Sort.RECOMMENDED:
        count, number = _parse_cursor(cursor, 2)
        below = Q(recommendation_count__lt=count) | Q(recommendation_count=count, number__gt=number)
        above = Q(recommendation_count__gt=count) | Q(recommendation_count=count, number__lt=number)
        if forward:
            return below, ["-recommendation_count", "number"]
        return above, ["recommendation_count", "-number"]
    (number,) = _parse_cursor(cursor, 1)
    ascending = (sort == Sort.OLDEST) == forward
    if ascending:
        return Q(number__gt=number), ["number"]
    return Q(number__lt=number), ["-number"]


def _first_order(sort: Sort, editor_picks_only: bool) -> list[str]:
    if editor_picks_only:
        return ["number", "reply_number"]
    return {
        Sort.OLDEST: ["number"],
        Sort.NEWEST: ["-number"],
        Sort.RECOMMENDED: ["-recommendation_count", "number"],
    }[sort]


def get_thread_page(
    article: Article,
    *,
    viewer: User | None = None,
    sort: Sort = Sort.OLDEST,
    editor_picks_only: bool = False,
    after: str | None = None,
    before: str | None = None,
    expand_thread: int | None = None,
    page_size: int | None = None,
) -> ThreadPage:
    """One page of top-level comments with a preview of each thread's replies.

    Raises InvalidCursor for a cursor that was not made by this function.
    """
    size = page_size or settings.DEBATTE["COMMENTS_PER_PAGE"]
    rows = _comment_rows().filter(_visible_to(viewer), article=article)
    rows = rows.filter(is_editor_pick=True) if editor_picks_only else rows.filter(reply_number=0)

    if before:
        condition, order = _keyset(sort, editor_picks_only, before, forward=False)
        found = list(rows.filter(condition).order_by(*order)[: size + 1])
        has_more_before = len(found) > size
        comments = list(reversed(found[:size]))
        has_more_after = True
    else:
        if after:
            condition, order = _keyset(sort, editor_picks_only, after, forward=True)
            rows = rows.filter(condition)
        else:
            order = _first_order(sort, editor_picks_only)
        found = list(rows.order_by(*order)[: size + 1])
        comments = found[:size]
        has_more_after = len(found) > size
        has_more_before = after is not None

    page = ThreadPage(
        article=article,
        sort=sort,
        editor_picks_only=editor_picks_only,
        entries=[],
        next_cursor=_cursor_for(comments[-1], sort, editor_picks_only)
        if comments and has_more_after
        else None,
        previous_cursor=_cursor_for(comments[0], sort, editor_picks_only)
        if comments and has_more_before
        else None,
        expanded_thread=expand_thread,
    )
    replies = {} if editor_picks_only else _replies_for(comments, expand_thread, viewer)
    page.entries = [
        ThreadEntry(
            comment=comment,
            replies=replies.get(comment.pk, []),
            hidden_replies=max(0, comment.reply_count - len(replies.get(comment.pk, []))),
        )
        for comment in comments
    ]
    if viewer is not None and viewer.is_authenticated:
        shown = [c.pk for c in comments] + [r.pk for rs in replies.values() for r in rs]
        page.recommended_ids = set(
            Recommendation.objects.filter(user=viewer, comment_id__in=shown).values_list(
                "comment_id", flat=True
            )
        )
        # Staff only: readers' pages keep their query count.
        page.viewer_moderates = viewer.is_staff and moderates_site(viewer, article.site_id)
    return page


def _replies_for(
    threads: list[Comment], expand_thread: int | None, viewer: User | None
) -> dict[int, list[Comment]]:
    """The first replies of each thread in one query (all of them for the expanded thread)."""
    if not threads:
        return {}
    preview = settings.DEBATTE["REPLIES_PREVIEW"]
    expanded = next((t.pk for t in threads if t.number == expand_thread), None)
    rows = (
        _comment_rows()
        .filter(_visible_to(viewer), thread_id__in=[t.pk for t in threads])
        .annotate(
            position=Window(
                RowNumber(), partition_by=[F("thread_id")], order_by=F("reply_number").asc()
            )
        )
    )
    limit = Q(position__lte=preview)
    if expanded is not None:
        limit |= Q(thread_id=expanded, position__lte=settings.DEBATTE["REPLIES_MAX_EXPANDED"])
    grouped: dict[int, list[Comment]] = {}
    for reply in rows.filter(limit).order_by("thread_id", "reply_number"):
        grouped.setdefault(reply.thread_id or 0, []).append(reply)
    return grouped


def _by_label(article: Article, label: str) -> QuerySet[Comment] | None:
    number, _dot, reply = label.lstrip("#").partition(".")
    if not number.isdigit() or (reply and not reply.isdigit()):
        return None
    return Comment.objects.filter(article=article, number=int(number), reply_number=int(reply or 0))


def get_comment_by_label(article: Article, label: str) -> Comment | None:
    """Find "#3" or "#3.2" (with or without "#") in an article, in any state.

    For moderators only (their services check the role): readers' lookups use get_comment_for.
    """
    rows = _by_label(article, label)
    return None if rows is None else rows.select_related("article", "thread").first()


class Access(StrEnum):
    """What a reader wants to do with a comment they name by its number."""

    READ = "read"  # published comments and tombstones; held comments for their author
    RESPOND = "respond"  # answer, recommend, report: published comments only
    OWN = "own"  # edit, delete: the viewer's own comments, in any state


def get_comment_for(
    article: Article, label: str, *, viewer: User | None, access: Access = Access.READ
) -> Comment | None:
    """The comment "#N" or "#N.M" if `viewer` may use it for `access`, else None (one query).

    The pages, the embed and the API all look comments up here, so none of them shows a held
    or removed text, or tells that a held comment exists, to anyone but its author.
    """
    rows = _by_label(article, label)
    signed_in = viewer is not None and viewer.is_authenticated
    if rows is None or (access == Access.OWN and not signed_in):
        return None
    rule = {
        Access.READ: _visible_to(viewer),
        Access.RESPOND: Q(status=CommentStatus.PUBLISHED),
        Access.OWN: Q(author_id=getattr(viewer, "pk", None)),
    }[access]
    comment = rows.filter(rule).select_related("thread").first()
    if comment is not None:
        comment.article = article  # the caller's, with its site: the services' checks read it
    return comment


def get_page_cursor_for(comment: Comment) -> str | None:
    """The `after` cursor of the oldest-first page that shows `comment` (None: first page)."""
    number = comment.number
    size = settings.DEBATTE["COMMENTS_PER_PAGE"]
    earlier = Comment.objects.filter(
        article_id=comment.article_id,
        reply_number=0,
        status__in=VISIBLE_STATUSES,
        number__lt=number,
    )
    position = earlier.count()
    start = position - position % size
    if start == 0:
        return None
    last_before = earlier.order_by("number").values_list("number", flat=True)[start - 1]
    return str(last_before)


def list_published_comments_by(author: User, *, page: int = 1, per_page: int = 20) -> Page:
    """A reader's published comments, newest first, for their profile page."""
    rows = (
        Comment.objects.filter(author=author, status=CommentStatus.PUBLISHED)
        .select_related("article")
        .order_by("-created_at", "-pk")
    )
    return Paginator(rows, per_page).get_page(page)


def list_thread_replies(
    thread: Comment, *, viewer: User | None, after: int = 0, limit: int
) -> list[Comment]:
    """Replies of a top-level comment after reply number `after`, oldest first (the API)."""
    rows = _comment_rows().filter(_visible_to(viewer), thread=thread, reply_number__gt=after)
    return list(rows.order_by("reply_number")[:limit])


def list_own_comments(author: User, *, before_id: int | None, limit: int) -> list[Comment]:
    """A reader's own comments in every state, newest first, keyset-paginated by id."""
    rows = Comment.objects.filter(author=author).select_related("article").order_by("-pk")
    if before_id is not None:
        rows = rows.filter(pk__lt=before_id)
    return list(rows[:limit])


def recommended_among(user: User, comment_ids: list[int]) -> set[int]:
    """Which of these comments the reader has recommended (one query)."""
    if not comment_ids:
        return set()
    rows = Recommendation.objects.filter(user=user, comment_id__in=comment_ids)
    return set(rows.values_list("comment_id", flat=True))
