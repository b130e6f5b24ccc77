from debatte.core.text import normalise_comment_text, render_comment_text


def test_render_keeps_paragraphs_and_line_breaks():
    html = render_comment_text("Erste Zeile\nzweite Zeile\n\nNeuer Absatz")
    assert html == "<p>Erste Zeile<br>zweite Zeile</p><p>Neuer Absatz</p>"


def test_render_escapes_markup():
    html = render_comment_text('<script>alert(1)</script> <b onmouseover="x">fett</b>')
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<b" not in html


def test_render_links_are_shortened_with_ellipsis_and_marked_as_user_content():
    html = render_comment_text("Lesen: https://www.dekoder.org/de/article/revision-der-ordnung")
    assert 'href="https://www.dekoder.org/de/article/revision-der-ordnung"' in html
    assert ">https://www.dekoder.org/de/a…</a>" in html
    assert 'rel="nofollow ugc noopener"' in html


def test_render_does_not_link_javascript_urls_or_emails():
    html = render_comment_text("javascript:alert(1) leser@example.org")
    assert "<a" not in html


def test_render_quotes_in_text_cannot_forge_attributes():
    html = render_comment_text('https://example.org/" rel="nofollow" onclick="x')
    assert 'onclick="x' not in html


def test_normalise_trims_trailing_space_and_collapses_blank_lines():
    assert normalise_comment_text("a  \r\n\r\n\r\n\r\nb\n") == "a\n\nb"
