"""The classifier's speed in `make bench` (section 2): the pipeline with the shipped
classifier's fast path, the fast path per comment and per new tweet, and the full model per
comment and per tweet (the issue's targets: 1 ms and 60 ms)."""

import statistics
import time
from collections.abc import Callable

from measure import median_of, row


def bench_pipeline_with_classifier(contexts: list) -> None:  # type: ignore[type-arg]
    """The same pipeline with the shipped classifier as the scorer, when there is one."""
    from django.conf import settings

    from debatte.moderation.pipeline import run_pipeline

    # The request scores with the linear fast path; the full model runs in a background task.
    path = "debatte.classifier.score_fast"
    try:
        from debatte.classifier import score, score_fast

        score_fast("Ein kurzer Test.")
    except Exception as error:  # noqa: BLE001 - any failure means: not available
        row("pipeline with the shipped classifier", "not measured", f"{path}: {error!r}"[:160])
        return
    original = settings.DEBATTE
    settings.DEBATTE = {**original, "SCORER": path}
    try:
        cycle = iter(range(10**9))
        seconds = median_of(lambda: run_pipeline(contexts[next(cycle) % len(contexts)]), runs=300)
    finally:
        settings.DEBATTE = original
    row(
        "pipeline: run_pipeline per comment with the classifier's fast path",
        f"{seconds * 1e6:.0f} µs",
        f"= {1 / seconds:,.0f} comments/s on one core",
    )
    texts = [c.text for c in contexts[:60]]
    fast = median_of(lambda: score_fast(texts[next(cycle) % len(texts)]), runs=300)
    row("classifier: fast path per comment (linear model)", f"{fast * 1e3:.2f} ms", "median")
    try:
        score("Ein kurzer Test.", mode="full")
        full = median_of(lambda: score(texts[next(cycle) % len(texts)], mode="full"), runs=60)
    except Exception as error:  # noqa: BLE001 - the embeddings are optional
        row("classifier: full model per comment", "not measured", repr(error)[:120])
        return
    lengths = sorted(len(t) for t in texts)
    row(
        "classifier: full model per comment (fine-tuned encoder, stacked)",
        f"{full * 1e3:.1f} ms",
        f"median over the bench's comments ({lengths[0]:,}-{lengths[-1]:,} characters); "
        "runs in the background task",
    )
    bench_classifier_on_tweets(score)


def bench_classifier_on_tweets(score: Callable[..., object]) -> None:
    """The full path on tweet-length comments (the issue's 60 ms target is for these): 60
    GermEval 2018 training tweets, when ../shared/data is there (texts only, no labels)."""
    from debatte.classifier import data

    try:
        tweets = [e.text for e in data.load_germeval2018("training")[:60]]
    except (OSError, ValueError) as error:
        row("classifier: full model per tweet", "not measured", repr(error)[:120])
        return
    cycle = iter(range(10**9))
    full = median_of(lambda: score(tweets[next(cycle) % len(tweets)], mode="full"), runs=120)
    row(
        "classifier: full model per tweet (60 GermEval training tweets)",
        f"{full * 1e3:.1f} ms",
        "median; target < 60 ms",
    )
    bench_fast_path_on_new_tweets()


def bench_fast_path_on_new_tweets() -> None:
    """The fast path on 300 tweets it scores for the first time, each once, with its memory of
    tokens emptied first: a new comment's new words are n-grammed, its common ones remembered."""
    from debatte.classifier import data, score_fast
    from debatte.classifier.model import get_model

    tweets = [e.text for e in data.load_germeval2018("training")[-300:]]
    for head in get_model().heads.values():
        head.char.token_columns.cache_clear()
    timings = []
    for tweet in tweets:
        started = time.perf_counter()
        score_fast(tweet)
        timings.append(time.perf_counter() - started)
    row(
        "classifier: fast path per tweet (300 GermEval training tweets, each scored once)",
        f"{statistics.median(timings) * 1e3:.2f} ms",
        "median; target < 1 ms",
    )
