"""The linear models of training: the fast path (NB-LR), the stacking and calibration
regression, and the folds, samples and figures they are fitted and reported on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .features import NgramTfidf, lang_matrix
from .metrics import average_precision, classification_report


def fold_ids(labels: np.ndarray, folds: int, seed: int) -> np.ndarray:
    """Stratified fold assignment, deterministic for a seed."""
    rng = np.random.default_rng(seed)
    ids = np.empty(len(labels), dtype=int)
    for cls in (0, 1):
        members = np.flatnonzero(labels == cls)
        rng.shuffle(members)
        ids[members] = np.arange(len(members)) % folds
    return ids


@dataclass
class LinearModel:
    """The fitted fast path: one weight per n-gram (its naive Bayes ratio folded in) on
    n-gram presence, so that scoring is a sparse sum."""

    coef: np.ndarray
    intercept: float

    def decision_function(self, x: sparse.csr_matrix) -> np.ndarray:
        return np.asarray(_presence(x) @ self.coef).ravel() + self.intercept


def _presence(x: sparse.csr_matrix) -> sparse.csr_matrix:
    out = x.copy()
    out.data = np.ones_like(out.data)
    return out


def fit_fast(x: sparse.csr_matrix, y: np.ndarray, c: float, seed: int) -> LinearModel:
    """NB-LR on the n-grams of ``x`` (TF-IDF values; only which are present counts): a
    logistic regression (inverse regularisation ``c``) on presence scaled by each n-gram's
    naive Bayes log-count ratio (Wang & Manning 2012)."""
    from sklearn.linear_model import LogisticRegression

    present = _presence(x)
    # how much more often each n-gram occurs in offensive than in other comments (add-one)
    pos = (np.asarray(present[y == 1].sum(axis=0)).ravel() + 1) / ((y == 1).sum() + 1)
    neg = (np.asarray(present[y == 0].sum(axis=0)).ravel() + 1) / ((y == 0).sum() + 1)
    ratio = np.log(pos / neg)
    lr = LogisticRegression(C=c, solver="liblinear", max_iter=2000, random_state=seed)
    lr.fit(present.multiply(ratio).tocsr(), y)
    return LinearModel(lr.coef_[0] * ratio, float(lr.intercept_[0]))


def fit_stack(
    decisions: np.ndarray, labels: np.ndarray, prior: float | None
) -> tuple[np.ndarray, float]:
    """Logistic regression on out-of-fold decisions (one column per model): Platt scaling
    for one column, stacking plus calibration for several. Optionally re-weighted to a
    positive rate ``prior``."""
    from sklearn.linear_model import LogisticRegression

    weights = np.ones(len(labels))
    if prior is not None:
        pos = labels.mean()
        weights = np.where(labels == 1, prior / pos, (1 - prior) / (1 - pos))
    lr = LogisticRegression(C=1e4, solver="lbfgs", max_iter=1000)
    lr.fit(decisions.reshape(len(labels), -1), labels, sample_weight=weights)
    return lr.coef_[0].astype(float), float(lr.intercept_[0])


def fit_platt(
    decisions: np.ndarray, labels: np.ndarray, prior: float | None
) -> tuple[float, float]:
    coef, intercept = fit_stack(decisions, labels, prior)
    return float(coef[0]), intercept


def sparse_features(
    word: NgramTfidf, char: NgramTfidf, norms: Sequence[str], langs: Sequence[str]
) -> sparse.csr_matrix:
    return sparse.hstack(
        [word.transform(norms), char.transform(norms), lang_matrix(langs)], format="csr"
    )


def sample_rows(rows: np.ndarray, y: np.ndarray, limit: int, seed: int) -> np.ndarray:
    """``rows`` (ascending), or a seeded stratified sample of ``limit`` of them."""
    if len(rows) <= limit:
        return rows
    rng = np.random.default_rng(seed)
    keep: list[np.ndarray] = []
    for cls in (0, 1):
        members = rows[y[rows] == cls]
        keep.append(rng.permutation(members)[: round(limit * len(members) / len(rows))])
    return np.sort(np.concatenate(keep))


def cv_report(y: np.ndarray, probs: np.ndarray, threshold: float) -> dict[str, float]:
    rep = classification_report(y, (probs >= threshold).astype(int))
    return {
        "threshold": round(threshold, 4),
        "official": round(rep["official"] * 100, 2),
        "macro_f1": round(rep["macro_f1"] * 100, 2),
        "pr_auc": round(average_precision(y, probs) * 100, 2),
    }
