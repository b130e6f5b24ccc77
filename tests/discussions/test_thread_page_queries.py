"""The first page of a discussion costs the same number of queries at 10 and at 100,000 comments.

Both discussions are built with the same rules (threads with replies, tombstones, held comments,
editor's recommendations, spread recommendation counts) so that every page measured has the same
shape: comments by readers with badges, and threads with replies. Only the size differs.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from debatte.accounts.models import Badge, User
from debatte.articles.models import Article, Section
from debatte.discussions.models import VISIBLE_STATUSES, Comment, CommentStatus
from debatte.discussions.selectors import Sort, ThreadPage, get_thread_page

BATCH = 5000


@dataclass(frozen=True)
class Scenario:
    """One way of opening a discussion page."""

    name: str
    sort: Sort = Sort.OLDEST
    editors: bool = False
    after_cursor: bool = False

    def selector_kwargs(self) -> dict[str, object]:
        return {"sort": self.sort, "editor_picks_only": self.editors}

    def query_string(self, cursor: str | None) -> dict[str, str]:
        params = {"sort": str(self.sort)}
        if self.editors:
            params["filter"] = "editors"
        if cursor:
            params["after"] = cursor
        return params


SCENARIOS = [
    Scenario("oldest"),
    Scenario("newest", sort=Sort.NEWEST),
    Scenario("recommended", sort=Sort.RECOMMENDED),
    Scenario("editors", editors=True),
    Scenario("oldest-after-cursor", after_cursor=True),
    Scenario("newest-after-cursor", sort=Sort.NEWEST, after_cursor=True),
    Scenario("recommended-after-cursor", sort=Sort.RECOMMENDED, after_cursor=True),
    Scenario("editors-after-cursor", editors=True, after_cursor=True),
]

# The selector: top-level comments (1) with their authors' badges (2), the replies shown (3) with
# their authors' badges (4); for a logged-in reader also their recommendations (5).
# The editor's recommendations are a flat list: no reply query.
SELECTOR_QUERIES = {"threads": 4, "editors": 2}
VIEWER_QUERIES = 1
# The view adds the article with its site and section (one query: the page reads both, through
# Article.closed_reason and article.html); a logged-in reader adds the session and the user.
VIEW_QUERIES = 1
SESSION_QUERIES = 2


# --- Building a discussion ------------------------------------------------------------------


def _status(number: int) -> str:
    if number % 97 == 3:
        return CommentStatus.DELETED
    if number % 89 == 88:
        return CommentStatus.PENDING
    return CommentStatus.PUBLISHED


def _reply_status(number: int, reply_number: int) -> str:
    return _status(number + reply_number)


def _recommendations(number: int) -> int:
    return (number * 37) % 101


def _has_replies(number: int) -> bool:
    return number % 5 == 1


def build_discussion(
    article: Article, authors: list[User], *, top_level: int, replies_per_thread: int
) -> int:
    """Fill `article` with comments, bulk-created, and set its counters as the services would.

    Every fifth top-level comment (#1, #6, ...) opens a thread with `replies_per_thread`
    replies. Returns the number of comments written.
    """
    start = timezone.now() - timedelta(days=30)
    threads = []
    for number in range(1, top_level + 1):
        status = _status(number)
        author = authors[number % len(authors)]
        reply_numbers = range(1, replies_per_thread + 1) if _has_replies(number) else range(0)
        threads.append(
            Comment(
                article=article,
                number=number,
                author=author,
                author_name=author.display_name,
                body="" if status == CommentStatus.DELETED else f"Kommentar Nummer {number}.",
                status=status,
                is_editor_pick=number % 50 == 2 and status == CommentStatus.PUBLISHED,
                recommendation_count=_recommendations(number),
                created_at=start + timedelta(seconds=number),
                last_reply_number=len(reply_numbers),
                reply_count=sum(
                    1 for r in reply_numbers if _reply_status(number, r) in VISIBLE_STATUSES
                ),
            )
        )
    threads = Comment.objects.bulk_create(threads, batch_size=BATCH)

    replies = []
    for thread in threads:
        assert thread.pk is not None, "bulk_create must return primary keys"
        for reply_number in range(1, thread.last_reply_number + 1):
            status = _reply_status(thread.number, reply_number)
            author = authors[(thread.number + reply_number) % len(authors)]
            replies.append(
                Comment(
                    article=article,
                    parent=thread,
                    thread=thread,
                    number=thread.number,
                    reply_number=reply_number,
                    author=author,
                    author_name=author.display_name,
                    body=f"Antwort {reply_number} auf Nummer {thread.number}.",
                    status=status,
                    is_editor_pick=(
                        thread.number % 10 == 1
                        and reply_number == 1
                        and status == CommentStatus.PUBLISHED
                    ),
                    recommendation_count=_recommendations(reply_number),
                    created_at=thread.created_at + timedelta(minutes=reply_number),
                )
            )
    Comment.objects.bulk_create(replies, batch_size=BATCH)

    written = threads + replies
    article.last_comment_number = top_level
    article.comment_count = sum(1 for c in written if c.status == CommentStatus.PUBLISHED)
    article.version += 1
    article.save(update_fields=["last_comment_number", "comment_count", "version"])
    return len(written)


@pytest.fixture
def authors(make_user) -> list[User]:
    subscriber = Badge.objects.create(slug="abonnent", label="Abonnent")
    with_badge = make_user("Leserin mit Abo", password=None)
    with_badge.badges.add(subscriber)
    return [
        with_badge,
        make_user("Leser ohne Abo", password=None),
        make_user("Redaktion", staff=True, password=None),
    ]


@pytest.fixture
def viewer(make_user, authors) -> User:
    return make_user("Mitleserin", password=None)


@pytest.fixture
def make_discussion_article(make_article) -> Callable[[], Article]:
    """An article as the CMS sends them: in a section of the default site."""
    section = Section.objects.create(name="Politik", slug="politik")
    return lambda: make_article(section=section)


# --- Measuring ------------------------------------------------------------------------------

MODES = ("selector, anonymous", "selector, logged in", "page, anonymous", "page, logged in")


def expected_queries(mode: str, scenario: Scenario) -> int:
    logged_in = mode.endswith("logged in")
    queries = SELECTOR_QUERIES["editors" if scenario.editors else "threads"]
    if logged_in:
        queries += VIEWER_QUERIES
    if mode.startswith("page"):
        queries += VIEW_QUERIES + (SESSION_QUERIES if logged_in else 0)
    return queries


def cursor_into(article: Article, scenario: Scenario, *, skip: int) -> str | None:
    """The `after` cursor that starts a page `skip` comments into the discussion."""
    if not scenario.after_cursor:
        return None
    cursor = get_thread_page(article, page_size=skip, **scenario.selector_kwargs()).next_cursor
    assert cursor, f"{scenario.name}: no page after the first {skip} comments"
    return cursor


def page_opener(
    mode: str, client, article: Article, viewer: User, scenario: Scenario, cursor: str | None
) -> Callable[[], ThreadPage]:
    """Prepare `client` for `mode` and return a function that opens the page once."""
    logged_in = mode.endswith("logged in")
    client.logout()
    if logged_in:
        client.force_login(viewer)
    cache.clear()
    if mode.startswith("selector"):
        kwargs = {**scenario.selector_kwargs(), "after": cursor}
        return lambda: get_thread_page(article, viewer=viewer if logged_in else None, **kwargs)

    url = reverse("article", kwargs={"article_key": article.key})

    def via_view() -> ThreadPage:
        response = client.get(url, scenario.query_string(cursor))
        assert response.status_code == 200, f"{scenario.name}: {response.status_code}"
        return response.context["page"]

    return via_view


def check_page_shape(page: ThreadPage, scenario: Scenario) -> None:
    """The page measured has the shape that costs the most queries: none is skipped as empty."""
    assert page.entries, f"{scenario.name}: the page is empty"
    assert any(e.comment.author_id for e in page.entries), f"{scenario.name}: no authors"
    if not scenario.editors:
        assert any(e.replies for e in page.entries), f"{scenario.name}: no thread has replies"


# --- Tests ----------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_thread_page_queries_stay_within_budget_at_10_comments(
    scenario, mode, make_discussion_article, authors, viewer, client, django_assert_num_queries
):
    article = make_discussion_article()
    assert build_discussion(article, authors, top_level=6, replies_per_thread=2) == 10
    open_page = page_opener(
        mode, client, article, viewer, scenario, cursor_into(article, scenario, skip=1)
    )
    with django_assert_num_queries(expected_queries(mode, scenario), info=mode):
        page = open_page()
    check_page_shape(page, scenario)


@pytest.mark.slow
def test_thread_page_queries_are_the_same_at_10_and_100000_comments(
    make_discussion_article, authors, viewer, client, django_assert_num_queries
):
    small = make_discussion_article()
    assert build_discussion(small, authors, top_level=6, replies_per_thread=2) == 10
    large = make_discussion_article()
    assert build_discussion(large, authors, top_level=50_000, replies_per_thread=5) == 100_000
    assert Comment.objects.filter(article=large).count() == 100_000
    large.refresh_from_db()
    published = Comment.objects.filter(article=large, status=CommentStatus.PUBLISHED)
    assert (large.last_comment_number, large.comment_count) == (50_000, published.count())

    for scenario in SCENARIOS:
        small_cursor = cursor_into(small, scenario, skip=1)
        large_cursor = cursor_into(large, scenario, skip=1000)
        for mode in MODES:
            open_small = page_opener(mode, client, small, viewer, scenario, small_cursor)
            with CaptureQueriesContext(connection) as small_queries:
                check_page_shape(open_small(), scenario)
            assert len(small_queries) == expected_queries(mode, scenario), (scenario, mode)
            open_large = page_opener(mode, client, large, viewer, scenario, large_cursor)
            with django_assert_num_queries(
                len(small_queries), info=f"{scenario.name}, {mode}: as many as at 10 comments"
            ):
                page = open_large()
            check_page_shape(page, scenario)
