"""bench/classifier_baselines.py: the in-domain TF-IDF baselines of the Figures section."""

from __future__ import annotations

from bench.classifier_baselines import in_domain_cv, train_then_test
from debatte.classifier.data import Example


def test_in_domain_cross_validation_scores_every_comment_on_its_own_fold() -> None:
    texts = ["du idiot", "danke schön", "blöder idiot", "guter artikel"] * 5
    labels = [1, 0, 1, 0] * 5
    folds = [i % 5 for i in range(20)]
    res = in_domain_cv(texts, labels, folds)
    assert res["n"] == 20 and res["positives"] == 10
    assert res["pr_auc"] > 0.9 and res["threshold"] == 0.5


def test_train_then_test_reports_on_the_test_comments_only() -> None:
    train = [Example(t, lab) for t, lab in [("du idiot", 1), ("danke schön", 0)] * 4]
    test = [Example("so ein idiot", 1), Example("danke für den artikel", 0), Example("idiot", 1)]
    res = train_then_test(train, test)
    assert res["n"] == 3 and res["positives"] == 2 and res["pr_auc"] == 1.0
