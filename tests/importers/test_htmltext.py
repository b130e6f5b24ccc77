"""Imported HTML bodies become plain text; broken markup never stops an import."""

import pytest

from debatte.importers.htmltext import html_to_text


def test_paragraphs_links_and_images_become_text():
    text = html_to_text('<p>Eins</p><p>Zwei <a href="https://x.example/">hier</a></p>')
    assert text.startswith("Eins\n\nZwei hier")
    assert "https://x.example/" in text


@pytest.mark.parametrize(
    "html",
    [
        '<![><img src="]><img src=x onerror=alert(1)//">',  # from the XSS payload lists
        "<![foo bar",
        "Text <![ und weiter",
    ],
)
def test_a_marked_section_that_is_none_is_kept_as_text(html):
    # The standard library's parser raised AssertionError here, which ended a whole import.
    text = html_to_text(html)
    assert "<![" in text


def test_real_marked_sections_still_parse():
    assert html_to_text("<![CDATA[weg]]>bleibt") == "bleibt"


def test_an_author_address_longer_than_any_real_one_imports_as_a_guest(db, tmp_path):
    # PostgreSQL refused the 300-character address (varchar 254) and the whole import failed.
    from debatte.discussions.models import Comment
    from debatte.importers.runner import run_import

    address = "a" * 290 + "@example.org"
    path = tmp_path / "disqus.xml"
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">\n'
        '<thread dsq:id="1"><id>t-1</id><link>https://example.org/a</link>'
        "<title>Artikel</title><createdAt>2024-01-01T10:00:00Z</createdAt></thread>\n"
        '<post dsq:id="2"><id>p-2</id><message><![CDATA[<p>Hallo</p>]]></message>'
        "<createdAt>2024-01-01T11:00:00Z</createdAt><isDeleted>false</isDeleted>"
        "<isSpam>false</isSpam><author><email>" + address + "</email><name>Gast</name>"
        '</author><thread dsq:id="1"/></post>\n</disqus>\n'
    )
    report = run_import(path, fmt="disqus", show_progress=False)
    assert report.comments_added == 1
    assert Comment.objects.get().author is None
