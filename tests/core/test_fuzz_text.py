"""render_comment_text fuzzed: any text (controls, NUL, bidi overrides, lone surrogates, markup,
URL-like runs) renders without error and never lets markup through."""

import os
import re
from datetime import timedelta
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from debatte.core.text import normalise_comment_text, render_comment_text
from tests.importers.fuzzkit import EXAMPLES, HOSTILE_CHARS, hard_timeout

PIECES = [*HOSTILE_CHARS, "https://", "http://x.de/", "www.", ".de", "@", "(", ")", "[", "]",
          "javascript:", "\n\n", "&lt;", "&#x3C;", "\"><img src=x onerror=alert(1)>",
          "%"]  # fmt: skip
texts = st.one_of(
    st.text(),
    st.lists(st.one_of(st.characters(), st.sampled_from(PIECES)), max_size=60).map("".join),
    st.builds(lambda s, n: s * n, st.sampled_from(PIECES), st.integers(1, 2000)),
)
ALLOWED_TAGS = {"p", "br", "a"}
RUNS = [0]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


@settings(
    max_examples=EXAMPLES,
    deadline=timedelta(seconds=2),
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
    derandomize=os.environ.get("DEBATTE_FUZZ_RANDOM") != "1",  # reproducible in CI
)
@given(text=texts)
def _render_is_safe(text: str) -> None:
    RUNS[0] += 1
    html = render_comment_text(text)
    parser = _Tags()
    parser.feed(html)
    for tag, attrs in parser.found:
        assert tag in ALLOWED_TAGS, html
        if tag == "a":
            names = {name for name, _value in attrs}
            assert names <= {"href", "rel"}, html
            href = dict(attrs)["href"] or ""
            assert re.match(r"https?://|mailto:", href, re.I), html
            assert dict(attrs)["rel"] == "nofollow ugc noopener"
    normalise_comment_text(text)


def test_render_comment_text_any_text() -> None:
    with hard_timeout(240):
        _render_is_safe()
    print(f"fuzz render_comment_text: {RUNS[0]} examples, 0 failures")
