"""The shipped toxicity model: load it once, score comments and explain the scores.

A model has one :class:`~debatte.classifier.head.Head` per language (``de``, ``en``), chosen
per comment by :func:`~debatte.classifier.language.detect_language`. Each head has a *fast*
path (n-gram presence in a linear model, well under 1 ms) and, optionally, a *full* path
(:mod:`debatte.classifier.full_paths`: fine-tuned encoders and a kernel machine, stacked with
the fast path), used only when what it needs loads. The files are described in
:mod:`debatte.classifier.model_files`.
"""

from __future__ import annotations

import os
import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .features import embedding_text, normalize
from .head import Head
from .language import detect_language
from .model_files import read_model_files

DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "model"
REASONS_FROM = 0.25  # below this score no reasons are given


@dataclass(frozen=True)
class Score:
    """A calibrated probability that a comment is offensive, and why."""

    score: float
    reasons: list[str]
    language: str
    model: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 4),
            "reasons": self.reasons,
            "language": self.language,
            "model": self.model,
        }


class ClassifierModel:
    """A loaded model: language heads plus metadata. Thread-safe for scoring."""

    def __init__(
        self, heads: dict[str, Head], meta: dict[str, Any], path: Path | None = None
    ) -> None:
        self.path = path or DEFAULT_MODEL_DIR
        self.heads = heads
        self.meta = meta
        self.name = str(meta.get("name", "debatte-toxicity"))

    def head_for(self, lang: str) -> Head:
        return self.heads.get(lang) or self.heads[str(self.meta.get("default_head", "de"))]

    def full_available(self, head: Head) -> bool:
        if head.full is None or os.environ.get("DEBATTE_CLASSIFIER_FAST") == "1":
            return False
        return head.full.available()

    def score(self, text: str, mode: str = "auto") -> Score:
        return self.score_many([text], mode=mode)[0]

    def score_many(self, texts: Sequence[str], mode: str = "auto") -> list[Score]:
        """Score comments. ``mode``: ``auto`` (full if available), ``fast`` or ``full``."""
        if mode not in {"auto", "fast", "full"}:
            raise ValueError(f"unknown mode {mode!r}")
        texts = [t if isinstance(t, str) else "" for t in texts]
        langs = [detect_language(t) for t in texts]
        norms = [normalize(t) for t in texts]
        results: list[Score | None] = [None] * len(texts)
        by_head: dict[str, list[int]] = defaultdict(list)
        for i, lang in enumerate(langs):
            by_head[self.head_for(lang).name].append(i)
        for head_name, rows in by_head.items():
            head = self.heads[head_name]
            use_full = mode != "fast" and self.full_available(head)
            if mode == "full" and not use_full:
                raise RuntimeError(f"full model for head {head_name!r} is not available")
            if use_full:
                probs = head.full_probabilities(
                    [norms[i] for i in rows],
                    [langs[i] for i in rows],
                    [embedding_text(texts[i]) for i in rows],
                )
                label = f"{self.name}:{head_name}:full"
            else:
                dec = np.array([head.fast_decision(norms[i], langs[i]) for i in rows])
                probs = head.fast_probability(dec)
                label = f"{self.name}:{head_name}:fast"
            for k, i in enumerate(rows):
                results[i] = Score(
                    score=float(probs[k]),
                    reasons=head.reasons(norms[i], langs[i]) if probs[k] >= REASONS_FROM else [],
                    language=langs[i],
                    model=label,
                )
        return [r for r in results if r is not None]

    def decision_threshold(self, head: str, path: str) -> float:
        """Probability threshold chosen by cross-validation on the training data."""
        return float(self.heads[head].thresholds.get(path, 0.5))


def load_model(model_dir: str | os.PathLike[str] | None = None) -> ClassifierModel:
    path = Path(model_dir) if model_dir else DEFAULT_MODEL_DIR
    heads, meta = read_model_files(path)
    return ClassifierModel(heads, meta, path)


_model_lock = threading.Lock()
_models: dict[str, ClassifierModel] = {}


def get_model(model_dir: str | os.PathLike[str] | None = None) -> ClassifierModel:
    """The model in ``model_dir`` (default: the shipped one), loaded once per process.

    ``$DEBATTE_CLASSIFIER_MODEL`` overrides the default directory.
    """
    chosen = model_dir or os.environ.get("DEBATTE_CLASSIFIER_MODEL") or DEFAULT_MODEL_DIR
    key = str(Path(chosen).resolve())
    with _model_lock:
        if key not in _models:
            _models[key] = load_model(key)
        return _models[key]


def score(text: str, mode: str = "auto", model_dir: str | os.PathLike[str] | None = None) -> Score:
    """Score one comment with the shipped model (loaded lazily and cached)."""
    return get_model(model_dir).score(text, mode=mode)
