"""Banned and suspect word lists, compiled once into one trie-shaped regular expression.

Matching is case-insensitive and umlaut-aware: text and entries are folded the same way
("Scheiße" → "scheisse", "Ärger" → "aerger"), so "Schei*" matches "Scheiße" and "SCHEISSE".
`*` stands for any letters within a word; a space for any run of whitespace. Entries match whole
words unless they start or end with `*`. A trie of thousands of entries is checked against a
1,500-character comment in well under a millisecond (see `make bench`).
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_END = ""  # trie key marking the end of an entry


def fold(text: str) -> str:
    """Lower-case, compatibility-normalise and spell umlauts out, as both sides are matched."""
    return unicodedata.normalize("NFKC", text).casefold().translate(_FOLD)


def _tokens(entry: str) -> list[str]:
    """An entry as trie steps: single characters, "*" (word letters) or " " (whitespace)."""
    return list(" ".join(fold(entry).split()))


def _insert(trie: dict[str, Any], tokens: list[str]) -> None:
    node = trie
    for token in tokens:
        node = node.setdefault(token, {})
    node[_END] = {}


_STEPS = {"*": r"\w*", " ": r"\s+"}  # wildcard letters, any whitespace


def _step(token: str) -> str:
    return _STEPS.get(token) or re.escape(token)


def _pattern(node: dict[str, Any]) -> str:
    """The regex for a trie node: shared prefixes are written once."""
    branches = [_step(token) + _pattern(child) for token, child in sorted(node.items()) if token]
    if not branches:
        return ""
    if _END in node:  # an entry ends here; longer entries may go on
        return "(?:" + "|".join(branches) + ")?"
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


@dataclass(frozen=True)
class WordMatcher:
    regex: re.Pattern[str] | None
    size: int

    def find(self, text: str) -> list[str]:
        """The distinct matched words of `text`, in the order they appear (folded)."""
        if self.regex is None:
            return []
        seen: dict[str, None] = {}
        for match in self.regex.finditer(fold(text)):
            seen.setdefault(match.group(0), None)
        return list(seen)


def compile_word_list(entries: Iterable[str]) -> WordMatcher:
    """Compile entries into one matcher; empty and duplicate entries are ignored."""
    bounded: dict[str, Any] = {}  # must start at a word boundary
    loose: dict[str, Any] = {}  # start with "*": may start inside a word
    size = 0
    for entry in entries:
        tokens = _tokens(entry.strip())
        if not tokens or all(t == "*" for t in tokens):
            continue
        size += 1
        if tokens[0] == "*":
            _insert(loose, tokens)
        else:
            _insert(bounded, tokens)
    parts = []
    if bounded:
        parts.append(r"(?<!\w)" + _pattern(bounded))
    if loose:
        parts.append(_pattern(loose))
    if not parts:
        return WordMatcher(None, 0)
    regex = re.compile("(?:" + "|".join(parts) + r")(?!\w)")
    return WordMatcher(regex, size)
