"""Rendering reader text: plain text with paragraphs, line breaks and shortened links.

Nothing a reader writes is interpreted as markup. Text is escaped first; then URLs become links
(displayed shortened with an ellipsis) and blank lines separate paragraphs.
"""

import re

from django.conf import settings
from django.utils.html import Urlizer, escape
from django.utils.safestring import SafeString, mark_safe

LINK_REL = "nofollow ugc noopener"
_PARAGRAPH_SPLIT = re.compile(r"\n\s*\n")


class CommentUrlizer(Urlizer):
    """Django's urlizer, but without turning e-mail addresses into mailto links."""

    @staticmethod
    def is_email_simple(value: str) -> bool:
        return False


_urlize = CommentUrlizer()


def linkify(escaped_text: str, *, display_length: int | None = None) -> str:
    """Turn URLs in already escaped text into shortened links marked as user content."""
    limit = display_length or settings.DEBATTE["LINK_DISPLAY_LENGTH"]
    html = _urlize(mark_safe(escaped_text), trim_url_limit=limit, nofollow=True)  # noqa: S308
    # The urlizer writes rel="nofollow" itself; user text cannot contain the quoted form
    # because it was escaped before, so this replaces only the urlizer's attribute.
    return html.replace(' rel="nofollow"', f' rel="{LINK_REL}"')


def render_comment_text(text: str) -> SafeString:
    """Render a comment body as HTML paragraphs with <br> for single line breaks."""
    normalised = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    paragraphs = [p for p in _PARAGRAPH_SPLIT.split(normalised) if p.strip()]
    rendered = []
    for paragraph in paragraphs:
        html = linkify(escape(paragraph))
        rendered.append("<p>" + html.replace("\n", "<br>") + "</p>")
    return mark_safe("".join(rendered))  # noqa: S308


def normalise_comment_text(text: str) -> str:
    """What we store: unified line endings, no trailing spaces, at most one blank line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    text = "\n".join(lines).strip()
    return re.sub(r"\n{3,}", "\n\n", text)
