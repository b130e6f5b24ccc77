"""One language head: the n-gram vectorisers, the fast linear path, the optional full path,
and the explanation of a score by the words that drove it.

The fast path weighs which word 1-2-grams and character 2-5-grams of the normalised comment
are *present* (each weight is a logistic regression coefficient with the n-gram's naive Bayes
log-count ratio folded in), plus a language indicator: one sparse sum, well under 1 ms.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .features import LANG_FEATURES, NgramTfidf, word_tokens
from .full_paths import EncoderPath, KernelPath, sigmoid

MAX_REASONS = 5
_HIDDEN_TOKENS = {"@user", "url"}


@dataclass
class Head:
    """One language head: vectorisers, fast linear model and optional full model."""

    name: str
    word: NgramTfidf
    char: NgramTfidf
    fast_coef: np.ndarray  # word + char + language columns
    fast_intercept: float
    fast_platt: tuple[float, float]  # p = sigmoid(a * decision + b)
    thresholds: dict[str, float] = field(default_factory=dict)
    full: KernelPath | EncoderPath | None = None

    @property
    def n_word(self) -> int:
        return len(self.word.vocab)

    @property
    def n_char(self) -> int:
        return len(self.char.vocab)

    # -- features --------------------------------------------------------------------------
    def ngram_row(self, vec: NgramTfidf, norm: str) -> tuple[np.ndarray, np.ndarray]:
        """Column indices of the n-grams present, and the value the fast model weighs: 1."""
        idx, val = vec.row(norm)
        return idx, np.ones_like(val)

    def sparse_row(self, norm: str, lang: str) -> tuple[np.ndarray, np.ndarray]:
        wi, wv = self.ngram_row(self.word, norm)
        ci, cv = self.ngram_row(self.char, norm)
        li = LANG_FEATURES.index(f"lang={lang}") if f"lang={lang}" in LANG_FEATURES else 2
        idx = np.concatenate([wi, ci + self.n_word, [self.n_word + self.n_char + li]])
        val = np.concatenate([wv, cv, [1.0]]).astype(np.float32)
        return idx.astype(np.int64), val

    # -- scoring ---------------------------------------------------------------------------
    def fast_decision(self, norm: str, lang: str) -> float:
        idx, val = self.sparse_row(norm, lang)
        return float(val @ self.fast_coef[idx]) + self.fast_intercept

    def fast_probability(self, decision: np.ndarray | float) -> np.ndarray:
        a, b = self.fast_platt
        return sigmoid(a * np.asarray(decision) + b)

    def full_probabilities(
        self, norms: Sequence[str], langs: Sequence[str], texts: Sequence[str]
    ) -> np.ndarray:
        """Calibrated probabilities of the full path (fast decision stacked with the encoder
        or the kernel machine); ``texts`` as :func:`embedding_text` cleans them."""
        if self.full is None:
            raise RuntimeError(f"head {self.name!r} has no full model")
        fast = np.array([self.fast_decision(n, lang) for n, lang in zip(norms, langs, strict=True)])
        return self.full.probabilities(fast, texts)

    # -- explanation -----------------------------------------------------------------------
    def reasons(self, norm: str, lang: str, limit: int = MAX_REASONS) -> list[str]:
        """Words of the comment whose n-grams pushed the linear score up the most.

        Both paths explain with the linear n-gram model: the encoder's or the embeddings'
        share of the full score has no words to show.
        """
        coef = self.fast_coef
        pieces = norm.split()
        if not pieces:
            return []
        contrib: dict[int, float] = defaultdict(float)
        # word uni- and bigrams, owned by the whitespace piece they come from
        owners: list[int] = []
        toks: list[str] = []
        for pi, piece in enumerate(pieces):
            for tok in word_tokens(piece):
                if tok not in _HIDDEN_TOKENS:
                    toks.append(tok)
                    owners.append(pi)
        grams: list[tuple[str, tuple[int, ...]]] = [(t, (owners[i],)) for i, t in enumerate(toks)]
        grams += [
            (f"{toks[i]} {toks[i + 1]}", (owners[i], owners[i + 1])) for i in range(len(toks) - 1)
        ]
        vocab = self.word.vocab
        word_columns = [(vocab[g], owner) for g, owner in grams if g in vocab]
        self._spread(self.word, coef[: self.n_word], norm, word_columns, contrib)
        char_columns = [
            (j, (pi,)) for pi, piece in enumerate(pieces) for j in self.char.token_columns(piece)
        ]
        self._spread(
            self.char, coef[self.n_word : self.n_word + self.n_char], norm, char_columns, contrib
        )
        ranked = sorted(contrib.items(), key=lambda kv: (-kv[1], kv[0]))
        out: list[str] = []
        top = ranked[0][1] if ranked else 0.0
        for pi, value in ranked:
            if value <= 0.02 or value < 0.25 * top:
                break
            word = pieces[pi].strip(".,;:!?\"'()[]{}«»„“”")
            if len(word) > 1 and word not in _HIDDEN_TOKENS and word not in out:
                out.append(word)
            if len(out) >= limit:
                break
        return out

    def _spread(
        self,
        vec: NgramTfidf,
        coef: np.ndarray,
        norm: str,
        columns: Sequence[tuple[int, tuple[int, ...]]],
        contrib: dict[int, float],
    ) -> None:
        """Share each n-gram column's contribution among the words (pieces) it came from."""
        idx, val = self.ngram_row(vec, norm)
        weight = dict(zip(idx.tolist(), (val * coef[idx]).tolist(), strict=True))
        occurrences = Counter(j for j, _owner in columns)
        for j, owner in columns:
            w = weight.get(j)
            if w:
                share = w / occurrences[j] / len(owner)
                for pi in owner:
                    contrib[pi] += share
