"""Discussions of a given size for the first-page benchmark, bulk-created in the shape the
services leave them (numbers, counters, threads with replies, tombstones, held comments).

Every fifth top-level comment (#1, #6, ...) opens a thread with `replies_per_thread` replies.
"""

from datetime import timedelta

from django.utils import timezone
from shapes import SHAPES, has_replies, status_of

from debatte.accounts.models import Badge, User
from debatte.articles.models import Article, Site
from debatte.discussions.models import VISIBLE_STATUSES, Comment, CommentStatus

BATCH = 5000


def bench_authors() -> list[User]:
    badge, _ = Badge.objects.get_or_create(slug="abonnent", defaults={"label": "Abonnent"})
    authors = []
    for name, staff in (("Leserin mit Abo", False), ("Leser ohne Abo", False), ("Redaktion", True)):
        user, _ = User.objects.get_or_create(
            email=f"{name.split()[0].lower()}-{len(name)}@bench.example",
            defaults={"display_name": name, "is_staff": staff},
        )
        authors.append(user)
    authors[0].badges.add(badge)
    return authors


def build(site: Site, size: int, authors: list[User]) -> Article:
    top_level, per_thread = SHAPES[size]
    article = Article.objects.create(
        site=site,
        key=f"bench-{size}",
        title=f"Eine Diskussion mit {size} Kommentaren",
        lead="Ein Vorspann.",
        body=[{"kind": "paragraph", "text": "Ein Absatz. " * 40}] * 6,
    )
    start = timezone.now() - timedelta(days=30)
    threads = []
    for number in range(1, top_level + 1):
        status = status_of(number)
        author = authors[number % len(authors)]
        replies = range(1, per_thread + 1) if has_replies(number) else range(0)
        threads.append(
            Comment(
                article=article,
                number=number,
                author=author,
                author_name=author.display_name,
                body="" if status == CommentStatus.DELETED else f"Kommentar Nummer {number}. " * 8,
                status=status,
                is_editor_pick=number % 50 == 2 and status == CommentStatus.PUBLISHED,
                recommendation_count=(number * 37) % 101,
                created_at=start + timedelta(seconds=number),
                last_reply_number=len(replies),
                reply_count=sum(1 for r in replies if status_of(number + r) in VISIBLE_STATUSES),
            )
        )
    threads = Comment.objects.bulk_create(threads, batch_size=BATCH)
    replies_rows = []
    for thread in threads:
        for reply_number in range(1, thread.last_reply_number + 1):
            author = authors[(thread.number + reply_number) % len(authors)]
            replies_rows.append(
                Comment(
                    article=article,
                    parent=thread,
                    thread=thread,
                    number=thread.number,
                    reply_number=reply_number,
                    author=author,
                    author_name=author.display_name,
                    body=f"Antwort {reply_number} auf Nummer {thread.number}. " * 6,
                    status=status_of(thread.number + reply_number),
                    recommendation_count=(reply_number * 37) % 101,
                    created_at=thread.created_at + timedelta(minutes=reply_number),
                )
            )
    Comment.objects.bulk_create(replies_rows, batch_size=BATCH)
    written = len(threads) + len(replies_rows)
    assert written == size, (written, size)
    article.last_comment_number = top_level
    article.comment_count = Comment.objects.filter(
        article=article, status=CommentStatus.PUBLISHED
    ).count()
    article.version += 1
    article.save(update_fields=["last_comment_number", "comment_count", "version"])
    return article
