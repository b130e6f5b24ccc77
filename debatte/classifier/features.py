"""Text normalisation and a small, dependency-light TF-IDF n-gram vectoriser.

The vectoriser is our own (not scikit-learn's) so that the shipped model is plain data
(a JSON vocabulary and numpy arrays, no pickles) and scoring needs no scikit-learn; scipy's
sparse matrices hold the n-grams of many comments for training.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import _lru_cache_wrapper, lru_cache

import numpy as np
from scipy import sparse

URL_RE = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
MENTION_RE = re.compile(r"@\w+")
WORD_RE = re.compile(r"\w+|[!?]+|[^\w\s]", re.UNICODE)
REPEAT_RE = re.compile(r"(.)\1{3,}")
SPACE_RE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Lower-case, replace URLs and @mentions by placeholders, squeeze repeats and spaces."""
    text = text.replace("|LBR|", " ")
    text = URL_RE.sub(" URL ", text)
    text = MENTION_RE.sub(" @USER ", text)
    text = REPEAT_RE.sub(r"\1\1\1", text)
    text = SPACE_RE.sub(" ", text).strip().lower()
    return text


LEADING_MENTIONS_RE = re.compile(r"^(?:\s*(?:RT\s+)?@\w+[:,]?)+\s*")
BLANKS_RE = re.compile(r"[ \t]+")


def embedding_text(text: str) -> str:
    """The text the sentence encoders see: the words of the comment, not whom it answers.

    Leading @mentions (the addressees of a reply) are dropped and the others become
    ``@user``; URLs are removed. Names and links say who talks to whom, not how: left in,
    they dominate short comments' embeddings and tie the model to the training authors.
    """
    text = text.replace("|LBR|", "\n")
    stripped = LEADING_MENTIONS_RE.sub("", text)
    stripped = MENTION_RE.sub("@user", stripped)
    stripped = URL_RE.sub("", stripped)
    stripped = BLANKS_RE.sub(" ", stripped).strip()
    return stripped or text.strip()


def word_tokens(norm: str) -> list[str]:
    return WORD_RE.findall(norm)


def word_ngrams(norm: str, n_max: int = 2) -> list[str]:
    toks = [t for t in word_tokens(norm) if t not in {"@user", "url"}] or ["<empty>"]
    grams = list(toks)
    for n in range(2, n_max + 1):
        grams.extend(" ".join(toks[i : i + n]) for i in range(len(toks) - n + 1))
    return grams


def char_ngrams(norm: str, n_min: int = 2, n_max: int = 5) -> list[str]:
    """Character n-grams inside word boundaries (like scikit-learn's ``char_wb``)."""
    grams: list[str] = []
    for tok in norm.split():
        grams.extend(token_char_ngrams(tok, n_min, n_max))
    return grams


def token_char_ngrams(tok: str, n_min: int = 2, n_max: int = 5) -> list[str]:
    """The character n-grams of one whitespace-separated token, padded by a space each side."""
    padded = f" {tok} "
    length = len(padded)
    grams: list[str] = []
    for n in range(n_min, n_max + 1):
        if n > length:
            break
        grams.extend(padded[i : i + n] for i in range(length - n + 1))
    return grams


# Distinct tokens whose character n-gram columns a vectoriser remembers. Words repeat from
# comment to comment: over 30,834 training comments 84 % of tokens were found here, and the
# memory costs about 10 MB per vectoriser when full (100,000 tokens: 86 %, 39 MB).
TOKEN_CACHE_SIZE = 20_000


ANALYZERS: dict[str, Callable[[str], list[str]]] = {"word": word_ngrams, "char": char_ngrams}


@dataclass
class NgramTfidf:
    """Sublinear TF-IDF over n-grams from one analyser, L2-normalised per document."""

    kind: str  # "word" or "char"
    min_df: int = 2
    max_features: int = 100_000
    vocab: dict[str, int] = field(default_factory=dict)
    idf: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    token_columns: _lru_cache_wrapper[tuple[int, ...]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        self.token_columns = lru_cache(maxsize=TOKEN_CACHE_SIZE)(self._token_columns)

    def analyze(self, norm: str) -> list[str]:
        return ANALYZERS[self.kind](norm)

    def _token_columns(self, tok: str) -> tuple[int, ...]:
        """Vocabulary columns of one token's character n-grams, repeats kept, in order."""
        vocab = self.vocab
        return tuple(vocab[g] for g in token_char_ngrams(tok) if g in vocab)

    def columns(self, norm: str) -> list[int]:
        """Vocabulary columns of a document's n-grams, one per occurrence (unknown dropped)."""
        if self.kind == "char":
            cols: list[int] = []
            for tok in norm.split():
                cols.extend(self.token_columns(tok))
            return cols
        vocab = self.vocab
        return [vocab[g] for g in self.analyze(norm) if g in vocab]

    def fit(self, norms: Sequence[str]) -> NgramTfidf:
        df: Counter[str] = Counter()
        for norm in norms:
            df.update(set(self.analyze(norm)))
        kept = [(g, c) for g, c in df.items() if c >= self.min_df]
        kept.sort(key=lambda gc: (-gc[1], gc[0]))  # deterministic: by df, then alphabetically
        kept = kept[: self.max_features]
        kept.sort(key=lambda gc: gc[0])
        self.vocab = {g: i for i, (g, _c) in enumerate(kept)}
        self.token_columns.cache_clear()
        n = len(norms)
        self.idf = np.array([math.log((1 + n) / (1 + c)) + 1.0 for _g, c in kept], dtype=np.float32)
        return self

    def row(self, norm: str) -> tuple[np.ndarray, np.ndarray]:
        """Column indices and L2-normalised TF-IDF values of one document."""
        counts = Counter(self.columns(norm))
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        idx = np.fromiter(counts, dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        val = (1.0 + np.log(tf)) * self.idf[idx]
        val /= np.float32(np.linalg.norm(val)) or np.float32(1.0)
        return idx, val

    def transform(self, norms: Iterable[str]) -> sparse.csr_matrix:
        indptr = [0]
        indices: list[np.ndarray] = []
        values: list[np.ndarray] = []
        for norm in norms:
            idx, val = self.row(norm)
            indices.append(idx)
            values.append(val)
            indptr.append(indptr[-1] + len(idx))
        ind = np.concatenate(indices) if indices else np.zeros(0, dtype=np.int64)
        dat = np.concatenate(values) if values else np.zeros(0, dtype=np.float32)
        return sparse.csr_matrix(
            (dat, ind, np.array(indptr)), shape=(len(indptr) - 1, len(self.vocab))
        )

    def names(self) -> list[str]:
        out = [""] * len(self.vocab)
        for g, i in self.vocab.items():
            out[i] = g
        return out


LANG_FEATURES = ("lang=de", "lang=en", "lang=other")


def lang_matrix(langs: Sequence[str]) -> sparse.csr_matrix:
    """One-hot language indicator columns (lets one linear model keep a bias per language)."""
    cols = [
        LANG_FEATURES.index(f"lang={lang}") if f"lang={lang}" in LANG_FEATURES else 2
        for lang in langs
    ]
    n = len(cols)
    return sparse.csr_matrix(
        (np.ones(n, dtype=np.float32), np.array(cols), np.arange(n + 1)),
        shape=(n, len(LANG_FEATURES)),
    )
