"""Flattened article pages (the seed page): text in, records out, and back.

A flattened page is the text of an article page: the lead and body paragraphs (with the soft
line breaks of the HTML source left inside sentences), subheadings on lines of their own, then a
line "Kommentare" and for each comment its author on one line and, on the next, "#N — AGE"
followed directly by the text, which runs on over further lines:

    Kapaster d.J.
    #1 — vor 6 MonatenWem immer noch nicht klar sein sollte, ...
    Martin Köster
    #1.1 — vor 6 Monatenmhh ...
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from debatte.core.timefmt import age_in_language, parse_relative_age
from debatte.importers.records import ArticleRecord, CommentRecord

COMMENTS_HEADING = "Kommentare"
HEADER = re.compile(r"^#(\d+)(?:\.(\d+))? — (.*)$", re.DOTALL)
_SENTENCE_END = (".", "!", "?", '"', "“", "”", "…", ":", ")", "'")


class PageFormatError(ValueError):
    """The text is not a flattened article page; the message names the line and the reason."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


@dataclass
class _Header:
    index: int  # 0-based line index of the "#N — ..." line
    number: int
    reply_number: int
    age_text: str
    first_line: str
    age: object


def parse_page(text: str, *, key: str, title: str, as_of: datetime) -> ArticleRecord:
    """Parse a flattened page into an article with its comments, or raise PageFormatError."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    damaged = next((i for i, line in enumerate(lines) if "\x00" in line), None)
    if damaged is not None:  # no database stores NUL; a text page never has one
        raise PageFormatError(damaged + 1, "a NUL character: a damaged or binary file?")
    try:
        heading_index = next(i for i, line in enumerate(lines) if line.strip() == COMMENTS_HEADING)
    except StopIteration:
        raise PageFormatError(
            len(lines), f'no line "{COMMENTS_HEADING}" found: is this a flattened article page?'
        ) from None
    article_lines = lines[:heading_index]
    if not any(line.strip() for line in article_lines):
        raise PageFormatError(1, "the article text before the comments is empty")
    lead, blocks = _parse_article(article_lines)
    comments = _parse_comments(lines, heading_index + 1, as_of)
    return ArticleRecord(
        key=key, title=title, lead=lead, body=blocks, published_at=None, comments=comments
    )


def _parse_article(lines: list[str]) -> tuple[str, list[dict[str, str]]]:
    """Join soft line breaks into paragraphs and recognise subheadings; the first is the lead."""
    paragraphs: list[dict[str, str]] = []
    current: list[str] = []
    stripped = [line.strip() for line in lines]
    for index, line in enumerate(stripped):
        if not line:
            if current:
                paragraphs.append({"kind": "paragraph", "text": " ".join(current)})
                current = []
            continue
        following = next((s for s in stripped[index + 1 :] if s), "")
        if not current and paragraphs and _is_subheading(line, following):
            paragraphs.append({"kind": "heading", "text": line})
            continue
        current.append(line)
        if line.endswith(_SENTENCE_END) and _starts_paragraph(following):
            paragraphs.append({"kind": "paragraph", "text": " ".join(current)})
            current = []
    if current:
        paragraphs.append({"kind": "paragraph", "text": " ".join(current)})
    lead = paragraphs[0]["text"] if paragraphs and paragraphs[0]["kind"] == "paragraph" else ""
    return lead, paragraphs[1:] if lead else paragraphs


def _starts_paragraph(line: str) -> bool:
    return not line or line[0].isupper() or line[0].isdigit() or line[0] in "\"„“'"


def _is_subheading(line: str, following: str) -> bool:
    """A subheading stands alone after a finished paragraph: no closing punctuation, a few
    words, and either "Speaker: Statement" form or a complete paragraph on the next line.
    A line that merely breaks a sentence is followed by the sentence's unfinished rest."""
    words = line.split()
    if line.endswith(_SENTENCE_END) or "," in line or not 3 <= len(words) <= 14:
        return False
    if not line[0].isupper():
        return False
    speaker_form = re.match(r"^[\w.\- ]{2,40}: [A-ZÄÖÜ\"„]", line) is not None
    next_is_paragraph = following.endswith(_SENTENCE_END) and len(following.split()) >= 8
    return speaker_form or next_is_paragraph


def _parse_comments(lines: list[str], start: int, as_of: datetime) -> list[CommentRecord]:
    headers: list[_Header] = []
    for index in range(start, len(lines)):
        match = HEADER.match(lines[index])
        if not match:
            continue
        parsed = parse_relative_age(match.group(3))
        if parsed is None:
            raise PageFormatError(
                index + 1,
                f"cannot read the age in {lines[index][:60]!r} (expected 'vor 6 Monaten')",
            )
        age, rest = parsed
        headers.append(
            _Header(
                index=index,
                number=int(match.group(1)),
                reply_number=int(match.group(2) or 0),
                age_text=age.text,
                first_line=rest,
                age=age,
            )
        )
    if not headers:
        stray = next((i for i in range(start, len(lines)) if lines[i].strip()), None)
        if stray is not None:
            raise PageFormatError(
                stray + 1, f"unknown text after {COMMENTS_HEADING!r}: {lines[stray][:60]!r}"
            )
        return []
    first_author_line = headers[0].index - 1
    if first_author_line < start:
        raise PageFormatError(headers[0].index + 1, "the first comment has no author line")
    stray = next((i for i in range(start, first_author_line) if lines[i].strip()), None)
    if stray is not None:
        raise PageFormatError(
            stray + 1, f"unknown text before the first comment: {lines[stray][:60]!r}"
        )

    records: list[CommentRecord] = []
    seen_threads: dict[int, int] = {}
    total = len(headers)
    for position, header in enumerate(headers):
        author = lines[header.index - 1].strip()
        if not author or HEADER.match(lines[header.index - 1]):
            raise PageFormatError(header.index, "a comment without an author line")
        end = headers[position + 1].index - 1 if position + 1 < total else len(lines)
        body_lines = [header.first_line, *lines[header.index + 1 : end]]
        body = "\n".join(body_lines).rstrip("\n")
        if not body.strip():
            raise PageFormatError(header.index + 1, "a comment without text (truncated page?)")
        _check_numbering(header, seen_threads)
        # Comments of the same age keep their order: each is a second older than the next.
        created = header.age.before(as_of) - timedelta(seconds=total - position)  # type: ignore[attr-defined]
        records.append(
            CommentRecord(
                author_name=author,
                body=body,
                created_at=created,
                number=header.number,
                reply_number=header.reply_number,
                age_text=header.age_text,
            )
        )
    return records


def _check_numbering(header: _Header, seen_threads: dict[int, int]) -> None:
    line = header.index + 1
    if header.reply_number == 0:
        if header.number in seen_threads:
            raise PageFormatError(line, f"comment #{header.number} appears twice")
        if seen_threads and header.number < max(seen_threads):
            raise PageFormatError(line, f"comment #{header.number} is out of order")
        seen_threads[header.number] = 0
        return
    if header.number not in seen_threads:
        raise PageFormatError(
            line, f"reply #{header.number}.{header.reply_number} has no comment #{header.number}"
        )
    if header.number != max(seen_threads):
        raise PageFormatError(
            line, f"reply #{header.number}.{header.reply_number} is outside its thread"
        )
    if header.reply_number <= seen_threads[header.number]:
        raise PageFormatError(
            line, f"reply #{header.number}.{header.reply_number} is out of order or repeated"
        )
    seen_threads[header.number] = header.reply_number


@dataclass
class ExportComment:
    author_name: str
    label: str
    created_at: datetime
    body: str


def format_page(
    *,
    lead: str,
    body: list[dict[str, str]],
    comments: list[ExportComment],
    as_of: datetime,
    language: str = "de",
) -> str:
    """Write an article back as a flattened page (one line per paragraph or subheading)."""
    lines: list[str] = []
    if lead:
        lines.append(lead)
    lines.extend(block["text"] for block in body if block.get("text"))
    lines.append(COMMENTS_HEADING)
    for comment in comments:
        age = age_in_language(comment.created_at, as_of, language)
        lines.append(comment.author_name)
        lines.append(f"{comment.label} — {age}{comment.body}")
    return "\n".join(lines) + "\n"
