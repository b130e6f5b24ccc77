"""Local toxicity classifier for German and English comments.

``score(text)`` returns a :class:`~debatte.classifier.model.Score` (calibrated probability,
reasons, language, model name). The shipped model is loaded lazily, once per process.
Importing this package is cheap: numpy and the model load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .model import Score

__all__ = ["Score", "score", "score_fast", "score_many"]


def score(text: str, mode: str = "auto") -> Score:
    """Score one comment with the shipped model.

    ``mode``: ``"auto"`` (full model with embeddings when available, else the fast linear
    path), ``"fast"`` (linear model only, < 1 ms) or ``"full"``.
    """
    from .model import score as _score

    return _score(text, mode=mode)


def score_fast(text: str) -> Score:
    """The linear model alone (< 1 ms): for scoring in the request that posts a comment."""
    return score(text, mode="fast")


def score_many(texts: list[str], mode: str = "auto") -> list[Score]:
    from .model import get_model

    return get_model().score_many(texts, mode=mode)


def __getattr__(name: str) -> Any:
    if name == "Score":
        from .model import Score

        return Score
    raise AttributeError(name)
