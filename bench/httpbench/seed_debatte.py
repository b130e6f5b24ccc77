"""Migrates Debatte's database and seeds the bench corpus; prints what the posting run needs.

Run with Debatte's Python and the server's environment (DATABASE_URL, ...):
`python bench/httpbench/seed_debatte.py READERS` prints one JSON object: the readers' session
keys and the CSRF secret they all send (a cookie value and the matching form field).
"""

import json
import os
import sys
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parents[1]), str(HERE)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import corpus  # noqa: E402
import django  # noqa: E402

BATCH = 5000
CSRF_SECRET = "BenchCsrfSecretBenchCsrfSecret00"  # noqa: S105 - not a secret; 32 characters of Django's alphabet


def seed_articles() -> None:
    from django.utils import timezone

    from debatte.accounts.models import User
    from debatte.articles.models import Article, ModerationMode, Site
    from debatte.discussions.models import Comment, CommentStatus

    # The per-reader/per-address limit is off for the bench: every request posts as one of a
    # few hundred readers, far faster than any reader writes (the check's query still runs).
    site = Site.objects.create(
        name="Bench", slug="bench", moderation_mode=ModerationMode.POST, rate_limit_per_minute=0
    )
    authors = [
        User.objects.create(email=f"autor{i}@bench.example", display_name=name, password="!")  # noqa: S106 - unusable
        for i, name in enumerate(corpus.AUTHORS)
    ]
    by_name = {a.display_name: a for a in authors}
    start = timezone.now() - timedelta(days=30)
    for key, size in corpus.articles():
        rows = corpus.comments(size)
        article = Article.objects.create(
            site=site, key=key, title=f"Eine Diskussion mit {size} Kommentaren", lead="Vorspann."
        )
        threads = Comment.objects.bulk_create(
            [
                Comment(
                    article=article,
                    number=number,
                    author=by_name[author],
                    author_name=author,
                    body=body,
                    status=CommentStatus.PUBLISHED,
                    created_at=start + timedelta(seconds=offset),
                    last_reply_number=corpus.REPLIES_PER_THREAD
                    if corpus.has_replies(number)
                    else 0,
                    reply_count=corpus.REPLIES_PER_THREAD if corpus.has_replies(number) else 0,
                    recommendation_count=(number * 37) % 101,
                )
                for number, reply, offset, author, body in rows
                if reply == 0
            ],
            batch_size=BATCH,
        )
        thread_of = {t.number: t for t in threads}
        Comment.objects.bulk_create(
            [
                Comment(
                    article=article,
                    parent=thread_of[number],
                    thread=thread_of[number],
                    number=number,
                    reply_number=reply,
                    author=by_name[author],
                    author_name=author,
                    body=body,
                    status=CommentStatus.PUBLISHED,
                    created_at=start + timedelta(seconds=offset),
                    recommendation_count=(reply * 37) % 101,
                )
                for number, reply, offset, author, body in rows
                if reply
            ],
            batch_size=BATCH,
        )
        Article.objects.filter(pk=article.pk).update(
            last_comment_number=corpus.top_level(size), comment_count=size, version=2
        )
    Article.objects.create(
        site=site, key=corpus.POST_KEY, title="Neue Kommentare", lead="Vorspann."
    )


def reader_sessions(count: int) -> list[str]:
    """Signed-in sessions of `count` new readers, as the login would leave them."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from debatte.accounts.models import User

    readers = User.objects.bulk_create(
        [
            User(email=f"leser{i}@bench.example", display_name=f"Bench-Leser {i}", password="!")  # noqa: S106 - unusable
            for i in range(count)
        ]
    )
    keys = []
    for reader in readers:
        session = SessionStore()
        session[SESSION_KEY] = str(reader.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = reader.get_session_auth_hash()
        session.create()
        keys.append(str(session.session_key))
    return keys


def main() -> None:
    from django.conf import settings
    from django.core.management import call_command

    readers = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    seed_articles()
    sessions = reader_sessions(readers)
    print(
        json.dumps(
            {
                "sessions": sessions,
                "session_cookie": settings.SESSION_COOKIE_NAME,
                "csrf_cookie": settings.CSRF_COOKIE_NAME,
                "csrf": CSRF_SECRET,
            }
        )
    )


if __name__ == "__main__":
    main()
