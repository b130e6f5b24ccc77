"""The training examples of each head: the public corpora, the optional non-commercial ones
and a site's own moderation decisions."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import data
from .language import detect_language
from .train_config import TrainConfig


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


def corpus_of(examples: Sequence[data.Example]) -> Corpus:
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
    return {"de": corpus_of(de), "en": corpus_of(en)}, {"de": used_de, "en": used_en}
