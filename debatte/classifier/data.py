"""Loaders for the public corpora in ``../shared/data/`` (never copied into the project).

Every loader returns a list of :class:`Example` (text, binary label, group) so that the
training and evaluation code does not care where a corpus came from.
"""

from __future__ import annotations

import csv
import gzip
import json
import lzma
import os
import random
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

# corpus -> licence; only licences in SHIPPABLE_LICENCES may go into the default model.
LICENCES = {
    "germeval2018": "CC BY 4.0",
    "davidson2017": "MIT",
    "one-million-posts": "CC BY-NC-SA 4.0",
    "germs-detect-2024": "CC BY-NC-SA 4.0",
}
SHIPPABLE_LICENCES = {"CC BY 4.0", "MIT"}

DAVIDSON_SEED = 20170
DAVIDSON_TEST_FRACTION = 0.2


@dataclass(frozen=True)
class Example:
    text: str
    label: int  # 1 = offensive / inappropriate / sexist, 0 = not
    source: str = ""
    group: int = 0  # fold / split id where the corpus defines one


def data_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """Where the shared corpora live: argument, $DEBATTE_CORPORA_DIR, or ``../shared/data``.

    (Not $DEBATTE_DATA_DIR: that is the site's own data directory, SQLite and static files.)
    """
    if path:
        return Path(path)
    env = os.environ.get("DEBATTE_CORPORA_DIR")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent.parent / "shared" / "data"
        if candidate.is_dir():
            return candidate
    return Path.cwd().parent / "shared" / "data"


def clean_germeval(text: str) -> str:
    return text.replace("|LBR|", "\n").strip()


def load_germeval2018(split: str = "training", root: Path | None = None) -> list[Example]:
    """GermEval 2018 coarse task: OFFENSE -> 1, OTHER -> 0. ``split`` is training or test."""
    if split not in {"training", "test"}:
        raise ValueError(f"unknown GermEval split {split!r}")
    path = data_dir(root) / "germeval2018" / f"germeval2018.{split}.txt"
    out: list[Example] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line.strip():
                continue
            text, coarse, _fine = line.rsplit("\t", 2)
            out.append(Example(clean_germeval(text), int(coarse == "OFFENSE"), "germeval2018"))
    return out


def load_davidson2017(split: str = "train", root: Path | None = None) -> list[Example]:
    """Davidson et al. 2017 (English tweets): hate speech or offensive -> 1, neither -> 0.

    There is no official split; a fixed, seeded 80/20 split holds out ``test``.
    """
    if split not in {"train", "test"}:
        raise ValueError(f"unknown Davidson split {split!r}")
    path = data_dir(root) / "english-davidson2017" / "labeled_data.csv.xz"
    rows: list[Example] = []
    with lzma.open(path, "rt", encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh):
            rows.append(Example(rec["tweet"], int(rec["class"] != "2"), "davidson2017"))
    order = list(range(len(rows)))
    random.Random(DAVIDSON_SEED).shuffle(order)  # noqa: S311 - a split, not crypto
    n_test = int(len(rows) * DAVIDSON_TEST_FRACTION)
    test_idx = set(order[:n_test])
    want_test = split == "test"
    return [r for i, r in enumerate(rows) if (i in test_idx) == want_test]


def load_one_million_posts(category: str, root: Path | None = None) -> list[Example]:
    """One Million Posts Corpus, one category (e.g. Inappropriate); ``group`` is the fold 1-10."""
    path = data_dir(root) / "one-million-posts" / "posts_labeled.csv.xz"
    out: list[Example] = []
    with lzma.open(path, "rt", encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh):
            if rec["Category"] != category:
                continue
            text = "\n".join(p for p in (rec["Headline"], rec["Body"]) if p).strip()
            out.append(
                Example(text, int(float(rec["Value"])), "one-million-posts", int(rec["Fold"]))
            )
    return out


def _germs_positive(labels: Iterable[str]) -> int:
    labels = list(labels)
    positive = sum(1 for lab in labels if not lab.startswith("0"))
    return int(positive * 2 > len(labels))


def load_germs_detect(split: str = "traindev", root: Path | None = None) -> list[Example]:
    """GerMS-Detect 2024: strict-majority sexism (``bin_maj``) -> 1. ``split``: traindev/test."""
    base = data_dir(root) / "germs-detect-2024"
    if split == "traindev":
        out = []
        with gzip.open(
            base / "germeval-competition-traindev.jsonl.gz", "rt", encoding="utf-8"
        ) as fh:
            for line in fh:
                if line.strip():
                    rec = json.loads(line)
                    labels = [a["label"] for a in rec["annotations"]]
                    out.append(Example(rec["text"], _germs_positive(labels), "germs-detect-2024"))
        return out
    if split != "test":
        raise ValueError(f"unknown GerMS split {split!r}")
    with gzip.open(base / "germeval-competition-targets.json.gz", "rt", encoding="utf-8") as fh:
        targets = {t["id"]: t for t in json.load(fh)}
    out = []
    with gzip.open(base / "germeval-competition-test.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            rec = json.loads(line)
            maj = targets[rec["id"]]["bin_maj"]
            if isinstance(maj, list):  # one tie in the gold file: count it as not sexist
                maj = "0"
            out.append(Example(rec["text"], int(str(maj) == "1"), "germs-detect-2024"))
    return out
