"""Sections 1 and 2 of `make bench`: word lists, and the moderation pipeline per comment
(`run_pipeline` alone and with the classifier's fast path; `post_comment` end to end)."""

import time
from functools import partial

from classifier_speed import bench_pipeline_with_classifier
from measure import median_of, remaining, row


def bench_word_lists() -> None:
    import words

    from debatte.moderation.wordlists import compile_word_list

    print("1. Word lists", flush=True)
    entries = words.entries(10_000)
    started = time.perf_counter()
    matcher = compile_word_list(entries)
    compiled_ms = (time.perf_counter() - started) * 1000
    row("word list: compile 10,000 entries (once per list change)", f"{compiled_ms:.0f} ms")

    plain = words.comment_text(1500, seed=3)
    listed = words.comment_text(1500, seed=4, listed=entries[:5])
    hostile = words.adversarial_text(entries, 1500)
    assert matcher.find(plain) == [], "the ordinary text must not match"
    assert len(matcher.find(listed)) >= 3, "the listed words must be found"
    for name, text in (
        ("ordinary text", plain),
        ("text with 5 listed words", listed),
        ("worst case: every word a listed prefix", hostile),
    ):
        seconds = median_of(partial(matcher.find, text), runs=2000, warmup=20)
        verdict = "OK < 1 ms" if seconds < 0.001 else "OVER the 1 ms target"
        row(
            f"word list: check 1,500 chars vs 10,000 entries, {name}",
            f"{seconds * 1e6:.0f} µs",
            f"median of 2,000; {verdict}",
        )


def bench_pipeline() -> None:
    import words
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from debatte.accounts.models import User
    from debatte.articles.models import Article, ModerationMode, Site
    from debatte.discussions.models import Comment
    from debatte.discussions.services.posting import build_pipeline_context, post_comment
    from debatte.moderation.models import WordListEntry
    from debatte.moderation.pipeline import run_pipeline
    from debatte.moderation.wordlist_cache import bump_word_list_version

    print("2. Moderation pipeline", flush=True)
    site = Site.objects.create(name="Bench", slug="bench", moderation_mode=ModerationMode.POST)
    entries = words.entries(10_000)
    WordListEntry.objects.bulk_create(
        [
            WordListEntry(site=site, kind="banned" if i < 2_000 else "suspect", phrase=phrase)
            for i, phrase in enumerate(entries)
        ],
        batch_size=2_000,
    )
    bump_word_list_version(site.pk)
    article = Article.objects.create(site=site, key="bench-posting", title="Posting")
    readers = User.objects.bulk_create(
        [
            User(email=f"leser{i}@bench.example", display_name=f"Bench-Leser {i}", password="!")  # noqa: S106 - unusable
            for i in range(400)
        ]
    )
    texts = [words.comment_text(400 + (i * 37) % 1000, seed=100 + i) for i in range(2_000)]
    texts = [f"{text[:-12]} (Nr. {i:04d})" for i, text in enumerate(texts)]

    scorer = str(settings.DEBATTE.get("SCORER") or "")
    row(
        "classifier in the pipeline",
        scorer or "none configured",
        "" if scorer else "DEBATTE['SCORER'] is empty: the classifier phase scores nothing",
    )

    contexts = [
        build_pipeline_context(article, readers[i % 400], t) for i, t in enumerate(texts[:500])
    ]
    run_pipeline(contexts[0])  # compiles the site's word lists once
    cycle = iter(range(10**9))
    seconds = median_of(lambda: run_pipeline(contexts[next(cycle) % len(contexts)]), runs=2000)
    row(
        "pipeline: run_pipeline per comment (10,000 listed words)",
        f"{seconds * 1e6:.0f} µs",
        f"= {1 / seconds:,.0f} comments/s on one core",
    )

    bench_pipeline_with_classifier(contexts)

    for mode in (ModerationMode.POST, ModerationMode.RISK):
        if remaining() < 120:
            row(f"post_comment end to end, {mode}", "skipped", "out of time")
            continue
        site.moderation_mode = mode
        site.save()
        article.refresh_from_db()
        posts = 600
        before = Comment.objects.count()
        offset = 0 if mode == ModerationMode.POST else posts
        with CaptureQueriesContext(connection) as captured:
            post_comment(article, author=readers[0], body=texts[offset] + " erster")
        queries = len(captured)
        started = time.perf_counter()
        parent: Comment | None = None
        for i in range(posts):
            reply_to = parent if i % 4 == 3 else None
            comment = post_comment(
                article,
                author=readers[(i + offset) % 400],
                body=texts[i + offset],
                parent=reply_to,
            )
            if comment.status == "published" and not comment.is_reply:
                parent = comment
        elapsed = time.perf_counter() - started
        written = Comment.objects.count() - before - 1
        held = Comment.objects.filter(article=article, status="pending").count()
        assert written == posts, (written, posts)
        label = "post-moderation" if mode == ModerationMode.POST else "risk-based"
        row(
            f"post_comment end to end, {label} ({posts} comments, 1 in 4 a reply)",
            f"{posts / elapsed:,.0f} comments/s",
            f"{elapsed / posts * 1000:.2f} ms each, {queries} queries each"
            + (f"; {held} held so far" if held else ""),
        )
