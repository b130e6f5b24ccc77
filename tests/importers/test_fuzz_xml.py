"""Disqus and WordPress (WXR) imports fuzzed: any bytes, mutated real exports, generated
documents with hostile text, and the classic XML attacks. Each ends in a correct import or a
clear ImportFormatError with nothing written (fuzzkit.check_import)."""

import time
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import strategies as st

from debatte.discussions.models import Comment
from tests.importers.fuzzkit import (
    LAST_ERROR,
    check_import,
    fuzz_import,
    hard_timeout,
    hostile_text,
    mutated,
    seed,
)

pytestmark = pytest.mark.django_db

DISQUS_SEED = seed("isso-tests", "disqus.xml")
WXR_SEED = seed("isso-tests", "wordpress.xml")
DSQ = 'xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals"'


def _text(value: str) -> str:
    return escape(value)


@st.composite
def disqus_documents(draw: st.DrawFn) -> bytes:
    """A well-formed Disqus export whose every value may be hostile."""
    threads = draw(st.lists(st.integers(1, 30), min_size=1, max_size=4, unique=True))
    parts = [f"<?xml version='1.0' encoding='utf-8'?>\n<disqus {DSQ}>"]
    for tid in threads:
        parts.append(
            f"<thread dsq:id={quoteattr(str(tid))}><id>{_text(draw(hostile_text))}</id>"
            f"<link>{_text(draw(hostile_text))}</link><title>{_text(draw(hostile_text))}</title>"
            f"<createdAt>{_text(draw(st.sampled_from(['2020-01-01T10:00:00Z', '', 'x'])))}"
            f"</createdAt><isClosed>{_text(draw(st.sampled_from(['false', 'true', '?'])))}"
            "</isClosed></thread>"
        )
    posts = draw(st.lists(st.integers(1, 60), max_size=6, unique=True))
    for pid in posts:
        parent = draw(st.sampled_from([None, *posts]))
        parts.append(
            f"<post dsq:id={quoteattr(draw(st.sampled_from([str(pid), str(pid) * 90])))}>"
            f"<message><![CDATA[{draw(hostile_text).replace(']]>', '')}]]></message>"
            f"<createdAt>{_text(draw(st.sampled_from(['2021-05-01T10:00:00Z', 'nie'])))}"
            f"</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam>"
            f"<author><email>{_text(draw(hostile_text))}@example.org</email>"
            f"<name>{_text(draw(hostile_text))}</name><isAnonymous>"
            f"{draw(st.sampled_from(['false', 'true']))}</isAnonymous></author>"
            f"<ipAddress>{_text(draw(hostile_text))}</ipAddress>"
            f"<thread dsq:id={quoteattr(str(draw(st.sampled_from(threads))))}/>"
            + (f"<parent dsq:id={quoteattr(str(parent))}/>" if parent else "")
            + "</post>"
        )
    parts.append("</disqus>")
    return "\n".join(parts).encode("utf-8", "surrogatepass")


@st.composite
def wxr_documents(draw: st.DrawFn) -> bytes:
    """A well-formed WXR 1.2 export whose every value may be hostile."""
    items = []
    for post_id in draw(st.lists(st.integers(1, 50), min_size=1, max_size=3, unique=True)):
        comments = []
        ids = draw(st.lists(st.integers(1, 99), max_size=5, unique=True))
        for cid in ids:
            comments.append(
                f"<wp:comment><wp:comment_id>{cid}</wp:comment_id>"
                f"<wp:comment_author><![CDATA[{draw(hostile_text).replace(']]>', '')}]]>"
                f"</wp:comment_author><wp:comment_author_email>{_text(draw(hostile_text))}"
                f"</wp:comment_author_email><wp:comment_author_IP>{_text(draw(hostile_text))}"
                f"</wp:comment_author_IP><wp:comment_date_gmt>"
                f"{draw(st.sampled_from(['2011-01-01 10:00:00', '0000-00-00 00:00:00', '']))}"
                f"</wp:comment_date_gmt><wp:comment_content>{_text(draw(hostile_text))}"
                f"</wp:comment_content><wp:comment_approved>"
                f"{_text(draw(st.sampled_from(['1', '0', 'spam', 'trash', 'x'])))}"
                f"</wp:comment_approved><wp:comment_parent>"
                f"{draw(st.sampled_from([0, *ids]))}</wp:comment_parent>"
                f"<wp:comment_user_id>{draw(st.sampled_from([0, 1]))}</wp:comment_user_id>"
                "</wp:comment>"
            )
        items.append(
            f"<item><title>{_text(draw(hostile_text))}</title>"
            f"<link>{_text(draw(hostile_text))}</link>"
            f"<content:encoded><![CDATA[{draw(hostile_text).replace(']]>', '')}]]>"
            f"</content:encoded><wp:post_id>{post_id}</wp:post_id>"
            f"<wp:post_date_gmt>{_text(draw(hostile_text))}</wp:post_date_gmt>"
            f"<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
            f"{''.join(comments)}</item>"
        )
    document = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
        f"<link>https://{_text(draw(hostile_text))}.example</link>"
        f"<wp:wxr_version>1.2</wp:wxr_version>{''.join(items)}</channel></rss>"
    )
    return document.encode("utf-8", "surrogatepass")


WXR_HEAD = (
    b'<?xml version="1.0"?><rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
    b"<wp:wxr_version>1.2</wp:wxr_version>"
)
WXR_POST = (
    b"<item><title>T</title><wp:post_id>1</wp:post_id><wp:status>publish</wp:status>"
    b"<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_content>Hallo</wp:comment_content>"
    b"</wp:comment></item></channel></rss>"
)
WXR_REGRESSIONS = [
    # urlsplit raised ValueError on the blog's link (a bracketed host): a crash, not an error
    WXR_HEAD + b"<link>https://[.example</link>" + WXR_POST,
    WXR_HEAD + b"<link>https://[]</link>" + WXR_POST,
]


# --- property tests ----------------------------------------------------------------------------


def test_disqus_any_bytes() -> None:
    fuzz_import("disqus/bytes", st.binary(max_size=2000), "disqus", ".xml")


def test_disqus_mutated_export() -> None:
    fuzz_import("disqus/mutated", mutated(DISQUS_SEED), "disqus", ".xml")


def test_disqus_generated_hostile_documents() -> None:
    fuzz_import("disqus/generated", disqus_documents(), "disqus", ".xml")


def test_wxr_any_bytes() -> None:
    fuzz_import("wxr/bytes", st.binary(max_size=2000), "wxr", ".xml")


def test_wxr_mutated_export() -> None:
    # An unknown encoding in the declaration raised LookupError: now a clear error.
    unknown_encoding = WXR_SEED.replace(b"UTF-8", b"TF-8", 1).replace(b"utf-8", b"tf-8", 1)
    assert unknown_encoding != WXR_SEED
    fuzz_import("wxr/mutated", mutated(WXR_SEED), "wxr", ".xml", [unknown_encoding])


def test_wxr_generated_hostile_documents() -> None:
    fuzz_import("wxr/generated", wxr_documents(), "wxr", ".xml", WXR_REGRESSIONS)


# --- the classic attacks, each refused with a clear error and nothing written -----------------

DISQUS_HEAD = f"<?xml version='1.0' encoding='utf-8'?>\n<disqus {DSQ}>".encode()
DISQUS_BODY = (
    b'<thread dsq:id="1"><title>T</title></thread><post dsq:id="2"><message>Hallo</message>'
    b'<thread dsq:id="1"/></post>'
)
BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE disqus [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">'.replace("&lol0;", "&lol;").encode()
        for n in range(1, 10)
    )
    + b"]><disqus><thread><title>&lol9;</title></thread></disqus>"
)
ATTACKS = {
    "billion laughs": (BILLION_LAUGHS, "refused unsafe XML"),
    "external entity": (
        b'<?xml version="1.0"?><!DOCTYPE disqus [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<disqus><thread><title>&x;</title></thread></disqus>",
        "refused unsafe XML",
    ),
    "external parameter entity": (
        b'<?xml version="1.0"?><!DOCTYPE disqus [<!ENTITY % x SYSTEM "http://127.0.0.1:9/x">'
        b"%x;]><disqus/>",
        "refused unsafe XML",
    ),
    "external DTD": (
        # never fetched: an entity it would declare stays undefined
        b'<?xml version="1.0"?><!DOCTYPE disqus SYSTEM "http://127.0.0.1:9/x.dtd">'
        b"<disqus><thread><title>&ent;</title></thread></disqus>",
        "undefined entity",
    ),
    "deep nesting": (
        DISQUS_HEAD + b"<thread>" * 100_000 + b"</thread>" * 100_000 + b"</disqus>",
        "nested deeper",
    ),
    "invalid UTF-8": (DISQUS_HEAD + b"<thread><title>\xff\xfe\xc3</title></thread>", "line 2"),
    "NUL byte": (DISQUS_HEAD + b"<thread><title>a\x00b</title></thread></disqus>", "line 2"),
    "NUL character reference": (DISQUS_HEAD + b"<x>&#0;</x></disqus>", "line 2"),
    "truncated": (DISQUS_HEAD + DISQUS_BODY[:-9], "not well-formed"),
}


@pytest.mark.parametrize("name", list(ATTACKS))
@pytest.mark.parametrize("fmt", ["disqus", "wxr"])
def test_xml_attacks_are_refused_clearly(name: str, fmt: str) -> None:
    data, reason = ATTACKS[name]
    started = time.monotonic()
    with hard_timeout(60):
        outcome = check_import(f"{fmt}/attacks", data, fmt, ".xml")
    assert outcome == "refused"
    assert time.monotonic() - started < 10
    assert reason in LAST_ERROR[0], LAST_ERROR[0]


def test_huge_attribute_and_hostile_text_import_as_text() -> None:
    """A 4 MB attribute, bidi overrides and zero widths are data: imported, never markup."""
    text = "\u202eevil\u202c \u200b<script>alert(1)</script>"
    data = (
        DISQUS_HEAD
        + b'<thread dsq:id="1" huge="'
        + b"A" * 4_000_000
        + b'"><title>T</title></thread><post dsq:id="2"><message><![CDATA['
        + text.encode()
        + b']]></message><thread dsq:id="1"/></post></disqus>'
    )
    started = time.monotonic()
    with hard_timeout(60):
        assert check_import("disqus/attacks", data, "disqus", ".xml") == "ok"
    assert time.monotonic() - started < 15
    body = Comment.objects.none()  # rolled back: the oracle checked what was stored
    assert body.count() == 0


def test_unquoted_attribute_repair_stays_linear_on_long_lines() -> None:
    """The reader's repair regex on a 1 MB line full of attributes does not backtrack."""
    line = b"<thread " + b'a="" ' * 200_000 + b"b=x"
    started = time.monotonic()
    with hard_timeout(60):
        check_import("disqus/attacks", DISQUS_HEAD + line + b"/></disqus>", "disqus", ".xml")
    assert time.monotonic() - started < 15
