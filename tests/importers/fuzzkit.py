"""What the importer fuzz tests share: one isolated import per example, its oracle, the figure.

An import of any bytes must end in one of two ways: a report (the import worked, and what it
stored is valid) or `ImportFormatError` naming where and what, with the database exactly as
it was (all or nothing). Anything else (another exception, a hang, a partial write) fails.
"""

import json
import os
import signal
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from debatte.accounts.models import User
from debatte.articles.models import Article
from debatte.core.text import render_comment_text
from debatte.discussions.models import Comment, CommentStatus
from debatte.importers.records import ImportFormatError, ImportReport
from debatte.importers.runner import run_import

REALWORLD = Path(__file__).resolve().parents[3] / "shared" / "data" / "realworld"
EXAMPLES = int(os.environ.get("DEBATTE_FUZZ_EXAMPLES", "200"))
HARD_LIMIT_SECONDS = 240  # one whole test; the deadline bounds each example
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=timedelta(seconds=5),  # generous: two shared cores; a hang takes far longer
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
    # The same examples on every run, so CI is reproducible; DEBATTE_FUZZ_RANDOM=1 explores anew.
    derandomize=os.environ.get("DEBATTE_FUZZ_RANDOM") != "1",
    # No shrinking: it can take minutes on an import; a failure is shown as found, and becomes
    # a regression example by hand.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
EXAMPLES_RUN: Counter[str] = Counter()
OUTCOMES: Counter[str] = Counter()
LAST_ERROR = [""]  # the message of the last refused import

# Characters that break naive code: controls, NUL, bidi overrides and isolates, zero widths,
# separators, a lone surrogate (JSON can carry it), the BOM, markup and entity starts.
HOSTILE_CHARS = [
    "\x00", "\x01", "\x1b", "\x7f", "\u202e", "\u202d", "\u2066", "\u2067", "\u2069",
    "\u200b", "\u200f", "\u2028", "\u2029", "\ufeff", "\ufffe", "\ud800", "\udfff",
    "<", ">", "&", "&amp;", "]]>", "<![CDATA[", "\r", "\n", "\r\n", " ", "\t", '"', "'",
    "<script>alert(1)</script>", "<a href=\"javascript:alert(1)\">x</a>", "\U0001f600",
]  # fmt: skip


def _naughty_strings() -> list[str]:
    path = REALWORLD / "blns" / "blns.json"
    return [s for s in json.loads(path.read_text()) if s][:400] if path.exists() else []


NAUGHTY = _naughty_strings()
hostile_text = st.one_of(
    st.lists(st.one_of(st.characters(), st.sampled_from(HOSTILE_CHARS)), max_size=30).map("".join),
    st.sampled_from(NAUGHTY or HOSTILE_CHARS),
    st.builds(lambda s, n: s * n, st.sampled_from(HOSTILE_CHARS + ["x"]), st.integers(1, 3000)),
)


def seed(*parts: str) -> bytes:
    path = REALWORLD.joinpath(*parts)
    if not path.exists():
        pytest.fail(f"missing test data {path} (../shared must lie beside the checkout)")
    return path.read_bytes()


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    """A real file with a few random edits: bytes replaced, inserted, removed, cut off."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["insert", "replace", "delete", "truncate", "text"]))
        if kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=12))
        elif kind == "replace":
            data[at : at + 1] = draw(st.binary(min_size=1, max_size=1))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        elif kind == "truncate":
            del data[at:]
        else:
            chunk = draw(hostile_text)
            data[at:at] = chunk.encode("utf-8", "surrogatepass")
    return bytes(data)


def _counts() -> tuple[int, int, int]:
    return Article.objects.count(), Comment.objects.count(), User.objects.count()


@contextmanager
def rolled_back() -> Iterator[None]:
    """Each example runs in its own transaction, undone afterwards."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def check_import(target: str, data: bytes, fmt: str, suffix: str = ".dat") -> str:
    """Import `data` as `fmt` and hold the outcome to the oracle; returns "ok" or "refused"."""
    with tempfile.TemporaryDirectory() as folder, rolled_back():
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(data)
        before = _counts()
        comments_before = set(Comment.objects.values_list("pk", flat=True))
        try:
            report = run_import(path, fmt=fmt, show_progress=False)
        except ImportFormatError as error:
            assert error.reason.strip(), "an import error must say what is wrong"
            assert _counts() == before, f"a refused import wrote something: {error}"
            OUTCOMES[f"{target}:refused"] += 1
            LAST_ERROR[0] = str(error)
            return "refused"
        _check_stored(report, comments_before)
        OUTCOMES[f"{target}:ok"] += 1
        return "ok"


def _check_stored(report: ImportReport, comments_before: set[int]) -> None:
    """What an import stored is valid: lengths, text without NUL or lone surrogates, counters."""
    new = Comment.objects.exclude(pk__in=comments_before)
    assert new.count() == report.comments_added
    for comment in new:
        for value, limit in ((comment.author_name, 80), (comment.import_ref, 200)):
            assert len(value) <= limit
            _clean_text(value)
        _clean_text(comment.body)
        render_comment_text(comment.body)
    for article in Article.objects.filter(comments__pk__in=new.values("pk")).distinct():
        assert len(article.key) <= 200 and len(article.title) <= 300
        _clean_text(article.title)
        published = article.comments.filter(status=CommentStatus.PUBLISHED).count()
        assert article.comment_count == published
        top = article.comments.filter(reply_number=0).values_list("number", flat=True)
        # Never below a stored number (numbers are not reused); a restore may keep a higher one.
        assert article.last_comment_number >= max(top, default=0)
    for user in User.objects.filter(pk__in=new.values("author_id")):
        assert len(user.display_name) <= 40
        _clean_text(user.display_name)


def _check_stored_page(key: str) -> None:
    """A page imported by `import-page`: valid names, text and counters."""
    article = Article.objects.get(key=key)
    _clean_text(article.title)
    comments = article.comments.all()
    assert article.comment_count == comments.count()
    for comment in comments:
        assert len(comment.author_name) <= 80
        _clean_text(comment.author_name)
        _clean_text(comment.body)
        render_comment_text(comment.body)
    for user in User.objects.filter(pk__in=comments.values("author_id")):
        assert 1 <= len(user.display_name) <= 40
        _clean_text(user.display_name)


def _clean_text(value: str) -> None:
    assert "\x00" not in value, f"NUL stored: {value[:60]!r}"
    value.encode("utf-8")  # a lone surrogate cannot be stored in PostgreSQL or sent


@contextmanager
def hard_timeout(seconds: int = HARD_LIMIT_SECONDS) -> Iterator[None]:
    """A hang fails the test even where hypothesis's deadline cannot interrupt it."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"fuzz test ran over {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def fuzz(
    target: str,
    strategy: st.SearchStrategy[Any],
    check: Callable[[Any], object],
    regressions: Sequence[Any] = (),
) -> str:
    """Run `check` on EXAMPLES examples of `strategy` (after the `regressions`: inputs that
    once crashed) under the deadlines; print the figure."""

    def run(value: Any) -> None:
        EXAMPLES_RUN[target] += 1
        check(value)

    for value in regressions:
        run = example(value)(run)
    run = FUZZ_SETTINGS(given(strategy)(run))

    with hard_timeout():
        run()
    line = f"fuzz {target}: {EXAMPLES_RUN[target]} examples, 0 failures" + (
        f" ({OUTCOMES[f'{target}:ok']} imported, {OUTCOMES[f'{target}:refused']} refused"
        " with a clear error)"
        if OUTCOMES[f"{target}:ok"] + OUTCOMES[f"{target}:refused"]
        else ""
    )
    print(line)
    return line


def fuzz_import(
    target: str,
    strategy: st.SearchStrategy[bytes],
    fmt: str,
    suffix: str,
    regressions: Sequence[bytes] = (),
) -> None:
    fuzz(target, strategy, lambda data: check_import(target, data, fmt, suffix), regressions)
