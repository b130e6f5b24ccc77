"""Evaluate a model on held-out test sets next to published anchors.

* GermEval 2018 coarse test set (official metric, macro-F1, PR-AUC, precision at top 10 %).
* One Million Posts "Inappropriate" and "Discriminating" (all annotated posts; the shipped
  model never saw them: zero-shot).
* GerMS-Detect 2024 test set (zero-shot).
* The held-out 20 % of Davidson et al. 2017 (English head).
* Bias check on neutral identity-group sentences, and scoring latency.

The in-domain baselines the anchors compare with (models trained on One Million Posts and
GerMS-Detect themselves) are computed by ``bench/classifier_baselines.py``.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from . import data
from .bias import bias_report
from .metrics import (
    average_precision,
    bootstrap_intervals,
    classification_report,
    expected_calibration_error,
    precision_at_top,
)
from .model import ClassifierModel, load_model

GERMEVAL_WINNER = 76.77  # TUWienKBS, official metric on the coarse test set

ANCHORS = {
    "germeval2018": f"winner TUWienKBS {GERMEVAL_WINNER} | median of 51 runs ~69 | "
    "GELECTRA-large 80.7 | TF-IDF LR 70.5 | TF-IDF + embeddings 73.6",
    "omp-Inappropriate": "paper best F1 0.220 | TF-IDF LR F1 0.181 AP 0.181 | e5 LR F1 0.280 "
    "AP 0.238 (all in-domain 10-fold CV)",
    "omp-Discriminating": "paper best F1 0.180 | TF-IDF LR F1 0.119 AP 0.151 | e5 LR F1 0.237 "
    "AP 0.159 (all in-domain 10-fold CV)",
    "germs-detect-2024": "test bin_maj: 634 / 1,986 positive (AP of a random ranking 0.32)",
    "davidson2017": "no official split; held-out seeded 20 %",
}


def metrics_for(labels: npt.ArrayLike, probs: npt.ArrayLike, threshold: float) -> dict[str, Any]:
    y = np.asarray(labels, dtype=int)
    p = np.asarray(probs, dtype=float)
    rep = classification_report(y, (p >= threshold).astype(int))
    intervals = bootstrap_intervals(y, p, threshold)
    return {
        "n": len(y),
        "positives": int(y.sum()),
        "threshold": threshold,
        "official": rep["official"] * 100,
        "macro_f1": rep["macro_f1"] * 100,
        "f1_pos": rep["f1_pos"],
        "pr_auc": average_precision(y, p),
        "p_at_10": precision_at_top(y, p, 0.1),
        "ece": expected_calibration_error(y, p),
        # 95 % percentile bootstrap intervals (1,000 seeded resamples of the set's comments)
        "official_ci": [v * 100 for v in intervals["official"]],
        "pr_auc_ci": list(intervals["pr_auc"]),
    }


_score_cache: dict[tuple[int, str, str], float] = {}


def _score(model: ClassifierModel, texts: Sequence[str], mode: str) -> np.ndarray:
    """Scores, cached per (model, mode, text): OMP's categories share the same posts."""
    missing = list(dict.fromkeys(t for t in texts if (id(model), mode, t) not in _score_cache))
    for i in range(0, len(missing), 256):
        chunk = missing[i : i + 256]
        for t, s in zip(chunk, model.score_many(chunk, mode=mode), strict=True):
            _score_cache[(id(model), mode, t)] = s.score
    return np.array([_score_cache[(id(model), mode, t)] for t in texts])


def latency(model: ClassifierModel, texts: Sequence[str], mode: str) -> dict[str, float]:
    model.score(texts[0], mode=mode)  # warm-up: loads backends
    times = []
    for t in texts:
        t0 = time.perf_counter()
        model.score(t, mode=mode)
        times.append((time.perf_counter() - t0) * 1000)
    return {"median_ms": statistics.median(times), "p95_ms": float(np.percentile(times, 95))}


def evaluate(
    model_dir: str | Path | None = None,
    data_root: Path | None = None,
    *,
    modes: Sequence[str] = ("fast", "full"),
    latency_sample: int = 200,
    progress: Callable[[str], None] = print,
) -> dict[str, Any]:
    model = load_model(model_dir)
    de_head = model.heads["de"]
    modes = [m for m in modes if m == "fast" or model.full_available(de_head)]
    results: dict[str, Any] = {
        "model": model.name,
        "meta_training_data": model.meta.get("training_data"),
        "modes": list(modes),
        "sets": {},
    }

    def run_set(key: str, examples: Sequence[data.Example], head: str) -> None:
        texts = [e.text for e in examples]
        labels = [e.label for e in examples]
        for mode in modes:
            t0 = time.perf_counter()
            probs = _score(model, texts, mode)
            thr = model.decision_threshold(head, mode if mode != "auto" else "full")
            res = metrics_for(labels, probs, thr)
            res["seconds"] = time.perf_counter() - t0
            results["sets"].setdefault(key, {})[mode] = res
            progress(f"{key} [{mode}] done in {res['seconds']:.0f}s")

    ge_test = data.load_germeval2018("test", data_root)
    run_set("germeval2018", ge_test, "de")
    for cat in ("Inappropriate", "Discriminating"):
        run_set(f"omp-{cat}", data.load_one_million_posts(cat, data_root), "de")
    run_set("germs-detect-2024", data.load_germs_detect("test", data_root), "de")
    run_set("davidson2017", data.load_davidson2017("test", data_root), "en")

    results["bias"] = {mode: bias_report(model, mode) for mode in modes}
    sample = [e.text for e in ge_test[:latency_sample]]
    results["latency"] = {mode: latency(model, sample, mode) for mode in modes}
    return results


def format_results(results: dict[str, Any]) -> str:
    lines = [f"model: {results['model']}  (trained on: {results['meta_training_data']})", ""]
    header = (
        f"{'set':<22} {'path':<32} {'n':>6} {'official':>8} {'macroF1':>8} "
        f"{'F1pos':>6} {'PR-AUC':>7} {'P@10%':>6} {'ECE':>6}"
    )
    for key, by_mode in results["sets"].items():
        lines.append(header)
        for mode, r in by_mode.items():
            lines.append(
                f"{key:<22} {mode:<32} {r['n']:>6} {r['official']:>8.2f} {r['macro_f1']:>8.2f} "
                f"{r['f1_pos']:>6.3f} {r['pr_auc']:>7.3f} {r['p_at_10']:>6.3f} {r['ece']:>6.3f}"
            )
        for mode, r in by_mode.items():
            if "official_ci" in r:
                (o_lo, o_hi), (a_lo, a_hi) = r["official_ci"], r["pr_auc_ci"]
                line = (
                    f"  {mode}: 95 % bootstrap interval official {o_lo:.2f}-{o_hi:.2f}, "
                    f"PR-AUC {a_lo:.3f}-{a_hi:.3f}"
                )
                if key == "germeval2018":
                    where = (
                        "inside it"
                        if o_lo <= GERMEVAL_WINNER <= o_hi
                        else "above it"
                        if o_hi < GERMEVAL_WINNER
                        else "below it"
                    )
                    line += f" (the 2018 winner's {GERMEVAL_WINNER}: {where})"
                lines.append(line)
        lines.append(f"  anchors: {ANCHORS.get(key, '')}")
        lines.append("")
    for mode, b in results.get("bias", {}).items():
        lines.append(
            f"bias check [{mode}]: {b['n']} neutral identity sentences, mean {b['mean']:.3f}, "
            f"max {b['max']:.3f}, above 0.5: {b['above_0.5']}, controls mean "
            f"{b['control_mean']:.3f}; worst: {b['worst']['sentence']!r} "
            f"{b['worst']['score']:.3f}"
        )
        groups = ", ".join(f"{g} {v:.2f}" for g, v in sorted(b["per_group_mean"].items()))
        lines.append(f"  per group: {groups}")
    for mode, lat in results.get("latency", {}).items():
        lines.append(
            f"latency [{mode}]: median {lat['median_ms']:.2f} ms, "
            f"p95 {lat['p95_ms']:.2f} ms per comment"
        )
    return "\n".join(lines)
