"""Section 3 of `make bench`: the first page of a discussion at 10, 1,000 and 100,000 comments
(median ms to render the article page through django.test.Client, and its query count)."""

import time

from measure import median_of, remaining, row


def bench_first_page() -> dict[int, float]:
    import discussion
    from django.conf import settings
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from debatte.articles.models import Site

    print("3. First page of a discussion", flush=True)
    # Rendering is what must stay flat and what the peers are compared with: the response
    # cache is off here, and measured on its own at the end of this section.
    with_cache = settings.DEBATTE
    settings.DEBATTE = {**with_cache, "RESPONSE_CACHE_SECONDS": 0}
    site = Site.objects.create(name="Bench Seiten", slug="bench-pages")
    authors = discussion.bench_authors()
    client = Client()
    medians: dict[int, float] = {}
    for size in (10, 1_000, 100_000):
        if size == 100_000 and remaining() < 90:
            row(f"first page at {size:,} comments", "skipped", "out of time")
            continue
        started = time.perf_counter()
        article = discussion.build(site, size, authors)
        built = time.perf_counter() - started
        url = reverse("article", kwargs={"article_key": article.key})

        def open_page(url: str = url) -> object:
            response = client.get(url)
            assert response.status_code == 200, response.status_code
            return response

        reset_queries()  # a request resets the log too; count from an empty one
        with CaptureQueriesContext(connection) as captured:
            response = open_page()
        queries = len(captured)  # now: later requests clear the log it reads from
        seconds = median_of(open_page, runs=40)
        medians[size] = seconds
        row(
            f"first page at {size:,} comments",
            f"{seconds * 1000:.1f} ms",
            f"{queries} queries, {len(response.content):,} bytes"  # type: ignore[attr-defined]
            f" (median of 40; discussion built in {built:.1f} s)",
        )
    if 10 in medians and 100_000 in medians:
        ratio = medians[100_000] / medians[10]
        verdict = "flat" if ratio < 1.5 else "NOT flat"
        row("first page: 100,000 vs 10 comments", f"{ratio:.2f}x", verdict)
    if 1_000 in medians and 100_000 in medians:
        # Both first pages hold 25 threads (the same bytes): the fairest test of flatness.
        ratio = medians[100_000] / medians[1_000]
        verdict = "flat" if ratio < 1.5 else "NOT flat"
        row("first page: 100,000 vs 1,000 comments (same page size)", f"{ratio:.2f}x", verdict)
    if 100_000 in medians and remaining() > 60:
        # SQLite plans without statistics until ANALYZE has run; show what they change.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        url = reverse("article", kwargs={"article_key": "bench-100000"})
        seconds = median_of(lambda: client.get(url), runs=40)
        row(
            "first page at 100,000 comments after ANALYZE",
            f"{seconds * 1000:.1f} ms",
            f"{seconds / medians[100_000]:.2f}x of the figure above; not used for the ratios",
        )
    settings.DEBATTE = with_cache
    if 100_000 in medians:
        url = reverse("article", kwargs={"article_key": "bench-100000"})
        client.get(url)  # renders once and keeps it under the discussion's version
        seconds = median_of(lambda: client.get(url), runs=40)
        row(
            "first page at 100,000 comments from the response cache (anonymous reader)",
            f"{seconds * 1000:.2f} ms",
            "median of 40; the figures above render (cache off), as the peers do",
        )
    return medians
