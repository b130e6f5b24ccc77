"""In-domain baselines for the classifier's zero-shot figures (docs/classifier.md, Figures).

The shipped model never saw One Million Posts or GerMS-Detect 2024. To put its zero-shot
figures on those corpora next to the papers', this trains the fast path's n-gram features in
domain, as the papers' baselines did: a TF-IDF logistic regression (class-balanced,
probabilities at 0.5), by 10-fold cross-validation on One Million Posts' official folds and
trained on GerMS-Detect's traindev, tested on its test set.

    .venv/bin/python bench/classifier_baselines.py [--data-dir DIR] [--json FILE]

Reads the corpora from ../shared/data (or --data-dir); takes about a minute.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from debatte.classifier import data  # noqa: E402
from debatte.classifier.evaluate import metrics_for  # noqa: E402
from debatte.classifier.features import NgramTfidf, normalize  # noqa: E402


def tfidf_lr_probabilities(
    train_texts: Sequence[str], labels: Sequence[int], test_texts: Sequence[str], seed: int = 0
) -> np.ndarray:
    """A class-balanced logistic regression on word and character TF-IDF n-grams."""
    from scipy import sparse
    from sklearn.linear_model import LogisticRegression

    tr = [normalize(t) for t in train_texts]
    te = [normalize(t) for t in test_texts]
    word = NgramTfidf("word").fit(tr)
    char = NgramTfidf("char", max_features=120_000).fit(tr)
    x_tr = sparse.hstack([word.transform(tr), char.transform(tr)], format="csr")
    x_te = sparse.hstack([word.transform(te), char.transform(te)], format="csr")
    clf = LogisticRegression(
        C=3.0, solver="liblinear", class_weight="balanced", random_state=seed, max_iter=2000
    )
    return clf.fit(x_tr, np.asarray(labels, dtype=int)).predict_proba(x_te)[:, 1]


def in_domain_cv(
    texts: Sequence[str], labels: Sequence[int], folds: Sequence[int], seed: int = 0
) -> dict[str, Any]:
    """Trained and tested on the corpus's own folds (probabilities at 0.5)."""
    y = np.asarray(labels, dtype=int)
    f = np.asarray(folds)
    probs = np.zeros(len(y))
    for k in np.unique(f):
        tr, te = np.flatnonzero(f != k), np.flatnonzero(f == k)
        probs[te] = tfidf_lr_probabilities(
            [texts[i] for i in tr], y[tr].tolist(), [texts[i] for i in te], seed
        )
    return metrics_for(y, probs, 0.5)


def train_then_test(train: Sequence[data.Example], test: Sequence[data.Example]) -> dict[str, Any]:
    probs = tfidf_lr_probabilities(
        [e.text for e in train], [e.label for e in train], [e.text for e in test]
    )
    return metrics_for([e.label for e in test], probs, 0.5)


def baselines(root: Path | None) -> dict[str, dict[str, Any]]:
    out = {}
    for cat in ("Inappropriate", "Discriminating"):
        omp = data.load_one_million_posts(cat, root)
        out[f"omp-{cat}, in-domain 10-fold CV"] = in_domain_cv(
            [e.text for e in omp], [e.label for e in omp], [e.group for e in omp]
        )
    out["germs-detect-2024, trained on traindev"] = train_then_test(
        data.load_germs_detect("traindev", root), data.load_germs_detect("test", root)
    )
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="corpora directory (../shared/data)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    results = baselines(args.data_dir)
    print(f"{'baseline':<42} {'n':>6} {'F1pos':>6} {'PR-AUC':>7} {'P@10%':>6} {'official':>8}")
    for name, r in results.items():
        print(
            f"{name:<42} {r['n']:>6} {r['f1_pos']:>6.3f} {r['pr_auc']:>7.3f} "
            f"{r['p_at_10']:>6.3f} {r['official']:>8.2f}"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=float) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
