"""Evaluation metrics (numpy only, so they also run without scikit-learn)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def _prf(y: np.ndarray, pred: np.ndarray, cls: int) -> tuple[float, float, float]:
    tp = float(np.sum((pred == cls) & (y == cls)))
    fp = float(np.sum((pred == cls) & (y != cls)))
    fn = float(np.sum((pred != cls) & (y == cls)))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def classification_report(y_true: npt.ArrayLike, y_pred: npt.ArrayLike) -> dict[str, float]:
    """GermEval 2018 "average F" (harmonic mean of macro-P and macro-R), macro-F1, F1 positive."""
    y = np.asarray(y_true, dtype=int)
    pred = np.asarray(y_pred, dtype=int)
    per = [_prf(y, pred, c) for c in (0, 1)]
    macro_p = (per[0][0] + per[1][0]) / 2
    macro_r = (per[0][1] + per[1][1]) / 2
    official = 2 * macro_p * macro_r / (macro_p + macro_r) if macro_p + macro_r else 0.0
    return {
        "official": official,
        "macro_f1": (per[0][2] + per[1][2]) / 2,
        "f1_pos": per[1][2],
        "precision_pos": per[1][0],
        "recall_pos": per[1][1],
    }


def average_precision(y_true: npt.ArrayLike, scores: npt.ArrayLike) -> float:
    """PR-AUC as average precision (same definition as scikit-learn's, ties grouped)."""
    y = np.asarray(y_true, dtype=int)
    s = np.asarray(scores, dtype=float)
    n_pos = int(y.sum())
    if n_pos == 0:
        return 0.0
    order = np.argsort(-s, kind="mergesort")
    s_sorted, y_sorted = s[order], y[order]
    distinct = np.where(np.diff(s_sorted))[0]
    ends = np.r_[distinct, len(y) - 1]
    tps = np.cumsum(y_sorted)[ends]
    fps = ends + 1 - tps
    precision = tps / (tps + fps)
    recall = tps / n_pos
    prev_recall = np.r_[0.0, recall[:-1]]
    return float(np.sum((recall - prev_recall) * precision))


def precision_at_top(y_true: npt.ArrayLike, scores: npt.ArrayLike, fraction: float = 0.1) -> float:
    """Share of positives among the top ``fraction`` of comments ranked by score."""
    y = np.asarray(y_true, dtype=int)
    s = np.asarray(scores, dtype=float)
    k = max(1, round(len(y) * fraction))
    top = np.argsort(-s, kind="mergesort")[:k]
    return float(y[top].mean())


def expected_calibration_error(
    y_true: npt.ArrayLike, probs: npt.ArrayLike, bins: int = 10
) -> float:
    y = np.asarray(y_true, dtype=float)
    p = np.asarray(probs, dtype=float)
    edges = np.linspace(0, 1, bins + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        mask = (p >= lo) & ((p < hi) if hi < 1 else (p <= hi))
        if mask.any():
            ece += mask.mean() * abs(p[mask].mean() - y[mask].mean())
    return float(ece)


def best_threshold(y_true: npt.ArrayLike, probs: npt.ArrayLike, window: float = 0.05) -> float:
    """The probability threshold maximising the official metric (used on training OOF only).

    The metric is averaged over the thresholds within ``window`` of each candidate first: the
    raw curve is jagged, and its single highest spike is a fragile choice for new data.
    """
    y = np.asarray(y_true, dtype=int)
    p = np.asarray(probs, dtype=float)
    candidates = np.unique(np.quantile(p, np.linspace(0.2, 0.95, 151)))
    values = np.array(
        [classification_report(y, (p >= t).astype(int))["official"] for t in candidates]
    )
    smoothed = [values[np.abs(candidates - t) <= window].mean() for t in candidates]
    return float(candidates[int(np.argmax(smoothed))])


def bootstrap_intervals(
    y_true: npt.ArrayLike,
    probs: npt.ArrayLike,
    threshold: float,
    *,
    resamples: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> dict[str, tuple[float, float]]:
    """Percentile bootstrap intervals of the official metric and PR-AUC on one test set.

    Resampling the comments with replacement (seeded) says how far a figure would move on
    another test set of the same size from the same source: whether a model is above a
    published anchor or only as far from it as the test set's own noise.
    """
    y = np.asarray(y_true, dtype=int)
    p = np.asarray(probs, dtype=float)
    pred = (p >= threshold).astype(int)
    n = len(y)
    rng = np.random.default_rng(seed)
    official, pr_auc = [], []
    for counts in rng.multinomial(n, np.full(n, 1.0 / n), size=resamples):
        drawn = np.repeat(np.arange(n), counts)  # each comment as often as it was drawn
        official.append(classification_report(y[drawn], pred[drawn])["official"])
        pr_auc.append(average_precision(y[drawn], p[drawn]))
    tail = (1 - level) / 2 * 100
    return {
        name: (float(np.percentile(v, tail)), float(np.percentile(v, 100 - tail)))
        for name, v in (("official", official), ("pr_auc", pr_auc))
    }
