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
