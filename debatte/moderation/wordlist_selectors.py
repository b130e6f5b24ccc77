"""Reading a site's word lists for the moderators' pages: the entries, and a preview of what an
entry would match in the site's recent comments, with the pipeline's own matcher."""

import unicodedata
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q

from debatte.articles.models import Site
from debatte.discussions.models import Comment
from debatte.moderation.models import WordListEntry, WordListKind
from debatte.moderation.services.wordlist_admin import PROBLEMS, normalise_phrase
from debatte.moderation.wordlists import WordMatcher, compile_word_list, fold

PREVIEW_SCAN = 1000  # the site's most recent comments searched
PREVIEW_SHOWN = 25


def list_word_list_entries(
    site: Site, *, kind: str, search: str = "", page: int = 1, per_page: int = 100
) -> Page[WordListEntry]:
    rows = WordListEntry.objects.filter(site=site, kind=kind)
    if search.strip():
        term = " ".join(search.split()).lower()
        rows = rows.filter(Q(phrase__icontains=term) | Q(phrase__icontains=fold(term)))
    paginator = Paginator(rows.order_by("phrase", "pk"), per_page)
    return paginator.get_page(page)


def count_word_list_entries(site: Site) -> dict[str, int]:
    counts = dict.fromkeys(WordListKind.values, 0)
    rows = WordListEntry.objects.filter(site=site).values("kind").annotate(n=Count("pk"))
    counts.update({row["kind"]: row["n"] for row in rows.order_by()})
    return counts


@dataclass(frozen=True)
class PreviewMatch:
    comment: Comment
    words: list[str]
    segments: list[tuple[str, bool]]  # the text in pieces, True where the entry matches


@dataclass(frozen=True)
class Preview:
    phrase: str
    problem: str
    scanned: int
    matches: list[PreviewMatch]
    total: int  # matching comments among those scanned (more than shown)

    @property
    def problem_text(self) -> str:
        return str(PROBLEMS.get(self.problem, ""))


def _folded_with_map(text: str) -> tuple[str, list[int]]:
    """`fold(text)` built character by character, and for each folded character the index of
    the original character it came from (umlauts and ß become two)."""
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        piece = fold(char)
        folded.append(piece)
        origin.extend([index] * len(piece))
    return "".join(folded), origin


def highlight(matcher: WordMatcher, text: str) -> list[tuple[str, bool]]:
    """The text in pieces, the matched stretches marked."""
    if matcher.regex is None:
        return [(text, False)]
    folded, origin = _folded_with_map(unicodedata.normalize("NFC", text))
    text = unicodedata.normalize("NFC", text)
    pieces: list[tuple[str, bool]] = []
    at = 0
    for match in matcher.regex.finditer(folded):
        if match.end() == match.start():
            continue
        start, end = origin[match.start()], origin[match.end() - 1] + 1
        if start < at:
            continue
        pieces.append((text[at:start], False))
        pieces.append((text[start:end], True))
        at = end
    pieces.append((text[at:], False))
    return [piece for piece in pieces if piece[0]]


def preview_word_list_entry(
    site: Site, phrase: str, *, scan: int = PREVIEW_SCAN, shown: int = PREVIEW_SHOWN
) -> Preview:
    """Which of the site's `scan` most recent comments `phrase` would match (two queries at
    most: the comments, with their articles)."""
    normalised, problem = normalise_phrase(phrase)
    if problem or not normalised:
        return Preview(normalised, problem or "empty", 0, [], 0)
    matcher = compile_word_list([normalised])
    recent = list(
        Comment.objects.filter(article__site=site)
        .exclude(body="")
        .select_related("article")
        .only(
            "pk",
            "body",
            "status",
            "number",
            "reply_number",
            "author_name",
            "created_at",
            "article__key",
            "article__title",
        )
        .order_by("-pk")[:scan]
    )
    matches: list[PreviewMatch] = []
    total = 0
    for comment in recent:
        words = matcher.find(comment.body)
        if not words:
            continue
        total += 1
        if len(matches) < shown:
            matches.append(PreviewMatch(comment, words, highlight(matcher, comment.body)))
    return Preview(normalised, "", len(recent), matches, total)
