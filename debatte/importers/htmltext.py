"""HTML comment bodies to Debatte's plain text: paragraphs, line breaks and visible links.

Built on the standard library's `html.parser` (tolerant of broken markup, decodes entities).
Block elements become paragraphs, `<br>` a line break, list items lines starting with "- ", a
link `<a href="u">text</a>` keeps its text and shows the address after it when the two differ,
an image its alt text (or its address). No markup survives as markup: the result is plain text,
escaped again when rendered. Script and style contents are dropped (never visible text).
Bidi controls, zero-width characters and every other character are kept as they are.
"""

import re
from html.parser import HTMLParser

from debatte.core.text import normalise_comment_text

_BLOCKS = frozenset(
    {
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "dl",
        "table",
        "tr",
        "blockquote",
        "pre",
        "section",
        "article",
        "header",
        "footer",
        "figure",
        "figcaption",
        "hr",
        "address",
        "details",
        "summary",
    }
)
_LINES = frozenset({"li", "dt", "dd", "td", "th", "caption"})
_INVISIBLE = frozenset({"script", "style", "template", "head", "title"})
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")  # HTML's whitespace only: keeps NBSP, ZWSP, LS, PS
_PARAGRAPH = "\x00P"  # markers, replaced at the end
_LINE = "\x00L"
_TAG_HINT = re.compile(r"<[A-Za-z/!]|&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);")


class _TextParser(HTMLParser):
    def __init__(self, *, keep_newlines: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.keep_newlines = keep_newlines
        self.parts: list[str] = []
        self.links: list[tuple[str, int]] = []  # (href, index of the first text part)
        self.hidden = 0
        self.pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _INVISIBLE:
            self.hidden += 1
        elif tag == "br":
            self.parts.append(_LINE)
        elif tag in _BLOCKS:
            self.parts.append(_PARAGRAPH)
            self.pre += tag == "pre"
        elif tag in _LINES:
            self.parts.append(_LINE + ("- " if tag == "li" else ""))
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.parts)))
        elif tag == "img":
            values = dict(attrs)
            self.parts.append(values.get("alt") or values.get("src") or "")

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        # "<![" that opens no CDATA or conditional section makes the standard library's parser
        # raise AssertionError, which would stop a whole import: keep the three characters as
        # text and read on.
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            self.handle_data(self.rawdata[i : i + 3])
            return i + 3

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in _INVISIBLE:
            self.hidden -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _INVISIBLE:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS:
            self.parts.append(_PARAGRAPH)
            self.pre -= tag == "pre" and self.pre > 0
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            text = "".join(p for p in self.parts[start:] if not p.startswith("\x00")).strip()
            if href and href.startswith(("http://", "https://", "mailto:")) and href != text:
                self.parts.append(f" ({href})" if text else href)

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        if self.pre:
            self.parts.append(data.replace("\n", _LINE))
        elif self.keep_newlines:
            # WordPress's convention: a blank line is a paragraph, a newline a line break.
            data = re.sub(r"[ \t\r\f]*\n[ \t\r\f]*\n\s*", _PARAGRAPH, data)
            data = data.replace("\r\n", "\n").replace("\n", _LINE)
            self.parts.append(re.sub(r"[ \t\f]+", " ", data))
        else:
            self.parts.append(_HTML_SPACE.sub(" ", data))

    def text(self) -> str:
        raw = "".join(self.parts)
        raw = re.sub(r"[ ]*(?:\x00P[ ]*)+", "\n\n", raw)
        raw = re.sub(r"[ ]*\x00L[ ]*", "\n", raw)
        return raw


def html_to_text(html: str, *, keep_newlines: bool = False) -> str:
    """Plain text of an HTML fragment (see the module docstring); normalised for storage."""
    if not _TAG_HINT.search(html):
        if keep_newlines:
            return normalise_comment_text(html)
        return normalise_comment_text(_HTML_SPACE.sub(" ", html))
    parser = _TextParser(keep_newlines=keep_newlines)
    parser.feed(html)
    parser.close()
    lines = (line.strip(" ") for line in parser.text().split("\n"))
    return normalise_comment_text("\n".join(lines))


def plain_text(text: str) -> str:
    """A body that is plain text (or Markdown) already: only normalised, never interpreted."""
    return normalise_comment_text(text)
