"""Reproducible training of the shipped toxicity model.

Default model (shippable): German head on GermEval 2018 training (CC BY 4.0), English head on
the 80 % training part of Davidson et al. 2017 (MIT). ``include_noncommercial=True`` adds the
One Million Posts Corpus and GerMS-Detect 2024 (both CC BY-NC-SA 4.0) to the German head: an
opt-in variant that must not be shipped in a commercial product.

Model selection happens only on the training data (k-fold cross-validation): the Platt
calibration and the decision thresholds are fitted on out-of-fold predictions.

The German head's full path fine-tunes multilingual-e5-small (:mod:`.finetune`). Fine-tuning
is too slow to repeat for all five folds, so it is done three times: without the first, the
second and the third cross-validation fold. Those three folds (three fifths of the training
data, each scored by the encoder that did not see it) fit the stacking with the fast path, the
calibration and the threshold; scoring averages the three encoders, which together have seen
all the training data.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from . import data, embeddings
from .bias import augmentation_sentences
from .features import NgramTfidf, embedding_text, normalize
from .full_paths import EncoderPath, KernelPath
from .head import Head
from .language import detect_language
from .metrics import best_threshold
from .model_files import save_model
from .train_config import BASE_ENCODER, HeadConfig, TrainConfig
from .train_corpora import Corpus, training_corpora
from .train_encoders import SharedEncoderScores, fit_encoder_path, stack_shared_encoders
from .train_linear import (
    cv_report,
    fit_fast,
    fit_platt,
    fit_stack,
    fold_ids,
    sample_rows,
    sparse_features,
)

log = logging.getLogger(__name__)


def _embedding_matrix(emb: dict[str, np.ndarray], hc: HeadConfig) -> np.ndarray:
    return np.hstack([emb[b].astype(np.float32) * np.float32(hc.emb_scale[b]) for b in hc.backends])


def _svm(
    x: np.ndarray, y: np.ndarray, rows: np.ndarray, hc: HeadConfig, gamma: float, seed: int
) -> Any:
    """An RBF-kernel SVM on ``rows`` (a seeded stratified sample of them when there are more
    than ``hc.svm_max_rows``)."""
    from sklearn.svm import SVC

    rows = sample_rows(rows, y, hc.svm_max_rows, seed)
    return SVC(C=hc.svm_c, kernel="rbf", gamma=gamma, cache_size=1000).fit(x[rows], y[rows])


def fit_head(
    name: str,
    corpus: Corpus,
    hc: HeadConfig,
    *,
    seed: int,
    folds: int,
    emb: dict[str, np.ndarray] | None,
    encoder: bool = False,
    shared: SharedEncoderScores | None = None,
    progress: Callable[[str], None] = log.info,
) -> tuple[Head, dict[str, Any]]:
    """Cross-validate (for calibration, stacking and thresholds), then fit one head on all
    its data. ``encoder``: fine-tune the encoders for the full path (see
    :func:`~.train_encoders.fit_encoder_path`); ``shared``: another head's fine-tuned
    encoders and their decisions on a sample of this head's rows, to stack beside this head's
    own models (see :func:`~.train_encoders.stack_shared_encoders`)."""
    norms = [normalize(t) for t in corpus.texts]
    langs = [detect_language(t) for t in corpus.texts]
    y = corpus.labels
    real = corpus.real
    fold = np.full(len(y), -1)
    fold[real] = fold_ids(y[real], folds, seed)
    use_full = emb is not None and bool(hc.backends)
    x_emb = _embedding_matrix(emb, hc) if use_full and emb is not None else None
    # one kernel width for all folds and the final fit: relative to the features' spread
    gamma = hc.svm_gamma_factor / (x_emb.shape[1] * float(x_emb.var())) if x_emb is not None else 0
    oof_fast = np.zeros(len(y))
    oof_svm = np.zeros(len(y))
    for k in range(folds):
        tr, va = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
        tr_norms = [norms[i] for i in tr]
        word = NgramTfidf("word", hc.word_min_df, hc.word_max_features).fit(tr_norms)
        char = NgramTfidf("char", hc.char_min_df, hc.char_max_features).fit(tr_norms)
        x_tr = sparse_features(word, char, tr_norms, [langs[i] for i in tr])
        x_va = sparse_features(word, char, [norms[i] for i in va], [langs[i] for i in va])
        oof_fast[va] = fit_fast(x_tr, y[tr], hc.c_fast, seed).decision_function(x_va)
        if x_emb is not None:
            oof_svm[va] = _svm(x_emb, y, tr, hc, gamma, seed).decision_function(x_emb[va])
        progress(f"[{name}] fold {k + 1}/{folds} done")

    word = NgramTfidf("word", hc.word_min_df, hc.word_max_features).fit(norms)
    char = NgramTfidf("char", hc.char_min_df, hc.char_max_features).fit(norms)
    x_all = sparse_features(word, char, norms, langs)
    fast = fit_fast(x_all, y, hc.c_fast, seed)
    y_real = y[real]
    platt_fast = fit_platt(oof_fast[real], y_real, hc.prior)
    p_fast = 1 / (1 + np.exp(-(platt_fast[0] * oof_fast[real] + platt_fast[1])))
    thresholds = {"fast": best_threshold(y_real, p_fast)}
    report: dict[str, Any] = {
        "n": int(real.sum()),
        "positives": int(y_real.sum()),
        "train_only_augmentation": int((~real).sum()),
        "cv_fast": cv_report(y_real, p_fast, thresholds["fast"]),
    }
    head = Head(
        name=name,
        word=word,
        char=char,
        fast_coef=fast.coef.astype(np.float32),
        fast_intercept=fast.intercept,
        fast_platt=platt_fast,
        thresholds=thresholds,
    )
    if x_emb is not None:
        svm = _svm(x_emb, y, np.arange(len(y)), hc, gamma, seed)
        stacked = np.column_stack([oof_fast[real], oof_svm[real]])
        coef, intercept = fit_stack(stacked, y_real, hc.prior)
        head.full = KernelPath(
            backends=list(hc.backends),
            scale={b: hc.emb_scale[b] for b in hc.backends},
            vectors=svm.support_vectors_.astype(np.float32),
            dual=svm.dual_coef_[0].astype(np.float32),
            gamma=gamma,
            intercept=float(svm.intercept_[0]),
            stack=(float(coef[0]), float(coef[1]), intercept),
        )
        p_full = 1 / (1 + np.exp(-(stacked @ coef + intercept)))
        thresholds["full"] = best_threshold(y_real, p_full)
        report["cv_full"] = cv_report(y_real, p_full, thresholds["full"])
        p_svm = 1 / (1 + np.exp(-oof_svm[real]))  # uncalibrated: for the ranking figures
        report["cv_svm_alone"] = cv_report(y_real, p_svm, best_threshold(y_real, p_svm))
        report["support_vectors"] = int(len(svm.dual_coef_[0]))
    if encoder:
        fit_encoder_path(head, corpus, hc, fold, oof_fast, oof_svm, seed, report, progress)
    elif shared is not None:
        stack_shared_encoders(head, corpus, hc, shared, oof_fast, oof_svm, report, progress)
    return head, report


def compute_embeddings(
    texts: Sequence[str], backends: Sequence[str], progress: Callable[[str], None] = log.info
) -> dict[str, np.ndarray] | None:
    if not embeddings.available(backends):
        progress(f"embedding backends {list(backends)} unavailable: fast path only")
        return None
    out = {}
    cleaned = [embedding_text(t) for t in texts]
    for b in backends:
        t0 = time.perf_counter()
        out[b] = embeddings.embed(b, cleaned)
        progress(f"embedded {len(texts)} texts with {b} in {time.perf_counter() - t0:.0f}s")
    return out


def train(cfg: TrainConfig, progress: Callable[[str], None] = log.info) -> dict[str, Any]:
    """Train all heads and write the model directory. Returns the metadata written."""
    start = time.perf_counter()
    corpora, used = training_corpora(cfg)
    heads: dict[str, Head] = {}
    reports: dict[str, Any] = {}
    for name, hc in (("de", cfg.de), ("en", cfg.en)):
        corpus = corpora[name]
        if hc.augment_identity:
            extra = augmentation_sentences()
            corpus = corpus.with_train_only(extra, 0, "identity-augmentation")
            used[name].append(f"{len(extra)} generated neutral identity-group sentences (bias.py)")
        fine_tune = cfg.use_embeddings and hc.full == "encoder"
        if fine_tune:
            used[name].append(f"fine-tunes {BASE_ENCODER['name']} ({BASE_ENCODER['licence']})")
        progress(f"[{name}] {len(corpus.texts)} examples, {int(corpus.labels.sum())} positive")
        source = heads.get(hc.encoders_from) if hc.encoders_from else None
        shared = None
        if cfg.use_embeddings and source is not None and isinstance(source.full, EncoderPath):
            # starts scoring now, beside the embeddings and this head's own models
            shared = SharedEncoderScores(source.name, source.full, corpus, hc, cfg.seed)
            used[name].append(f"the {source.name} head's fine-tuned encoders (stacked)")
        emb = (
            compute_embeddings(corpus.texts, hc.backends, progress)
            if cfg.use_embeddings and hc.backends
            else None
        )
        heads[name], reports[name] = fit_head(
            name,
            corpus,
            hc,
            seed=cfg.seed,
            folds=cfg.folds,
            emb=emb,
            encoder=fine_tune,
            shared=shared,
            progress=progress,
        )
    licences = {
        data.LICENCES[s] for c in corpora.values() for s in set(c.sources) if s in data.LICENCES
    }
    if any(isinstance(h.full, EncoderPath) for h in heads.values()):
        licences.add(BASE_ENCODER["licence"])
    shippable = all(lic in data.SHIPPABLE_LICENCES for lic in licences) and not cfg.site_decisions
    meta: dict[str, Any] = {
        "name": "debatte-toxicity" + ("-nc" if cfg.include_noncommercial else ""),
        "default_head": "de",
        "training_data": used,
        "licences": sorted(licences),
        "shippable_open_source": shippable,
        "config": {
            "seed": cfg.seed,
            "folds": cfg.folds,
            "include_noncommercial": cfg.include_noncommercial,
            "use_embeddings": cfg.use_embeddings,
            "de": asdict(cfg.de),
            "en": asdict(cfg.en),
        },
        "cross_validation": reports,
    }
    save_model(Path(cfg.out_dir), heads, meta)
    progress(f"model written to {cfg.out_dir} in {time.perf_counter() - start:.0f}s")
    return meta
