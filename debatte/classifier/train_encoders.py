"""Training the full path's fine-tuned encoders: one per held-out fold for the German head
(in worker processes), and the German encoders' decisions on a sample of the English head's
rows; both stacked with the head's fast path (and kernel machine)."""

from __future__ import annotations

import dataclasses
import multiprocessing
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from .encoder import EncoderAdapter, FineTunedEncoders
from .encoder_weights import shipped_encoder
from .features import embedding_text
from .finetune import FinetuneConfig, finetune, resolved_precision
from .full_paths import EncoderPath, KernelPath
from .head import Head
from .metrics import best_threshold
from .train_config import HeadConfig
from .train_corpora import Corpus
from .train_linear import cv_report, fit_stack, sample_rows


class SharedEncoderScores:
    """Another head's fine-tuned encoders scoring a seeded stratified sample of this head's
    rows in a worker process, while this head's own models train beside it."""

    def __init__(
        self, source: str, path: EncoderPath, corpus: Corpus, hc: HeadConfig, seed: int
    ) -> None:
        self.source, self.path = source, path
        self.rows = sample_rows(
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


def stack_shared_encoders(
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
    report["sample_full"] = cv_report(y[rows], p_full, head.thresholds["full"])
    report["sample_encoders_alone"] = cv_report(y[rows], p_enc, best_threshold(y[rows], p_enc))


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


def fit_encoder_path(
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
            rows = sample_rows(np.flatnonzero(fold != k), y, hc.finetune_max_rows, seed)
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
    report["holdout_full"] = cv_report(y[held], p_full, head.thresholds["full"])
    p_enc = 1 / (1 + np.exp(-enc[held]))  # uncalibrated: for the ranking figures
    report["holdout_encoder_alone"] = cv_report(y[held], p_enc, best_threshold(y[held], p_enc))
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
    coef, intercept = fit_stack(stacked, y, hc.prior)
    p_full = 1 / (1 + np.exp(-(stacked @ coef + intercept)))
    head.thresholds["full"] = best_threshold(y, p_full)
    return (*(float(c) for c in coef), float(intercept)), kernel, p_full


def _rename_kernel_stack(report: dict[str, Any]) -> None:
    if "cv_full" in report:  # that was the kernel machine's stack, not the shipped full path
        report["cv_kernel_stack"] = report.pop("cv_full")
