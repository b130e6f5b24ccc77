"""Load the shipped model, score comments and explain the scores.

The model directory holds plain data only (no pickles):

* ``meta.json``: format version, heads, training data and licences, thresholds, figures;
* ``<head>.vocab.json.gz``: the word and character n-gram vocabularies of one language head;
* ``<head>.npz`` (read with ``allow_pickle=False``): IDF weights, linear coefficients,
  Platt calibration of the fast path and, optionally, of the full path with embeddings.

Each language head (``de``, ``en``) has a *fast* path (TF-IDF word + char n-grams, logistic
regression, well under 1 ms) and an optional *full* path that adds sentence embeddings from
:mod:`debatte.classifier.embeddings`. The full path is used only when its backends load;
otherwise the fast path scores.
"""

from __future__ import annotations

import gzip
import json
import math
import os
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import embeddings
from .features import LANG_FEATURES, NgramTfidf, normalize, word_tokens
from .language import detect_language

FORMAT_VERSION = 1
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "model"
MAX_REASONS = 5
REASONS_FROM = 0.25  # below this score no reasons are given
_HIDDEN_TOKENS = {"@user", "url"}


@dataclass(frozen=True)
class Score:
    """A calibrated probability that a comment is offensive, and why."""

    score: float
    reasons: list[str]
    language: str
    model: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 4),
            "reasons": self.reasons,
            "language": self.language,
            "model": self.model,
        }


def sigmoid(x: np.ndarray | float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(np.asarray(x, dtype=np.float64), -35, 35)))


@dataclass
class Head:
    """One language head: vectorisers, fast linear model and optional full model."""

    name: str
    word: NgramTfidf
    char: NgramTfidf
    fast_coef: np.ndarray  # word + char + language columns
    fast_intercept: float
    fast_platt: tuple[float, float]  # p = sigmoid(a * decision + b)
    full_backends: list[str] = field(default_factory=list)
    full_coef: np.ndarray | None = None  # word + char + language columns
    full_emb_coef: dict[str, np.ndarray] = field(default_factory=dict)
    full_emb_scale: dict[str, float] = field(default_factory=dict)
    full_intercept: float = 0.0
    full_platt: tuple[float, float] = (1.0, 0.0)
    thresholds: dict[str, float] = field(default_factory=dict)

    @property
    def n_word(self) -> int:
        return len(self.word.vocab)

    @property
    def n_char(self) -> int:
        return len(self.char.vocab)

    # -- features --------------------------------------------------------------------------
    def sparse_row(self, norm: str, lang: str) -> tuple[np.ndarray, np.ndarray]:
        wi, wv = self.word.row(norm)
        ci, cv = self.char.row(norm)
        li = LANG_FEATURES.index(f"lang={lang}") if f"lang={lang}" in LANG_FEATURES else 2
        idx = np.concatenate([wi, ci + self.n_word, [self.n_word + self.n_char + li]])
        val = np.concatenate([wv, cv, [1.0]]).astype(np.float32)
        return idx.astype(np.int64), val

    # -- scoring ---------------------------------------------------------------------------
    def fast_decision(self, norm: str, lang: str) -> float:
        idx, val = self.sparse_row(norm, lang)
        return float(val @ self.fast_coef[idx]) + self.fast_intercept

    def fast_probability(self, decision: np.ndarray | float) -> np.ndarray:
        a, b = self.fast_platt
        return sigmoid(a * np.asarray(decision) + b)

    def full_decisions(
        self, norms: Sequence[str], langs: Sequence[str], emb: dict[str, np.ndarray]
    ) -> np.ndarray:
        if self.full_coef is None:
            raise RuntimeError(f"head {self.name!r} has no full model")
        out = np.empty(len(norms), dtype=np.float64)
        for i, (norm, lang) in enumerate(zip(norms, langs, strict=True)):
            idx, val = self.sparse_row(norm, lang)
            out[i] = float(val @ self.full_coef[idx]) + self.full_intercept
        for name in self.full_backends:
            out += (emb[name] * self.full_emb_scale[name]) @ self.full_emb_coef[name]
        return out

    def full_probability(self, decision: np.ndarray | float) -> np.ndarray:
        a, b = self.full_platt
        return sigmoid(a * np.asarray(decision) + b)

    # -- explanation -----------------------------------------------------------------------
    def reasons(
        self, norm: str, lang: str, limit: int = MAX_REASONS, *, full: bool = False
    ) -> list[str]:
        """Words of the comment whose n-grams pushed the linear score up the most.

        ``full`` explains with the n-gram part of the full model (the embeddings' share of
        the score has no words to show), otherwise with the fast linear model.
        """
        coef = self.full_coef if full and self.full_coef is not None else self.fast_coef
        pieces = norm.split()
        if not pieces:
            return []
        contrib: dict[int, float] = defaultdict(float)
        # word uni- and bigrams, owned by the whitespace piece they come from
        owners: list[int] = []
        toks: list[str] = []
        for pi, piece in enumerate(pieces):
            for tok in word_tokens(piece):
                if tok not in _HIDDEN_TOKENS:
                    toks.append(tok)
                    owners.append(pi)
        grams: list[tuple[str, tuple[int, ...]]] = [(t, (owners[i],)) for i, t in enumerate(toks)]
        grams += [
            (f"{toks[i]} {toks[i + 1]}", (owners[i], owners[i + 1])) for i in range(len(toks) - 1)
        ]
        self._spread(self.word, coef[: self.n_word], norm, grams, contrib)
        char_grams = [
            (g, (pi,)) for pi, piece in enumerate(pieces) for g in self.char.analyze(piece)
        ]
        self._spread(
            self.char, coef[self.n_word : self.n_word + self.n_char], norm, char_grams, contrib
        )
        ranked = sorted(contrib.items(), key=lambda kv: (-kv[1], kv[0]))
        out: list[str] = []
        top = ranked[0][1] if ranked else 0.0
        for pi, value in ranked:
            if value <= 0.02 or value < 0.25 * top:
                break
            word = pieces[pi].strip(".,;:!?\"'()[]{}«»„“”")
            if len(word) > 1 and word not in _HIDDEN_TOKENS and word not in out:
                out.append(word)
            if len(out) >= limit:
                break
        return out

    @staticmethod
    def _spread(
        vec: NgramTfidf,
        coef: np.ndarray,
        norm: str,
        grams: Iterable[tuple[str, tuple[int, ...]]],
        contrib: dict[int, float],
    ) -> None:
        idx, val = vec.row(norm)
        weight = dict(zip(idx.tolist(), (val * coef[idx]).tolist(), strict=True))
        occurrences: dict[int, list[tuple[int, ...]]] = defaultdict(list)
        for g, owner in grams:
            j = vec.vocab.get(g)
            if j is not None:
                occurrences[j].append(owner)
        for j, owner_list in occurrences.items():
            share = weight.get(j, 0.0) / len(owner_list)
            for owner in owner_list:
                for pi in owner:
                    contrib[pi] += share / len(owner)


class ClassifierModel:
    """A loaded model: language heads plus metadata. Thread-safe for scoring."""

    def __init__(
        self, heads: dict[str, Head], meta: dict[str, Any], path: Path | None = None
    ) -> None:
        self.path = path or DEFAULT_MODEL_DIR
        self.heads = heads
        self.meta = meta
        self.name = str(meta.get("name", "debatte-toxicity"))

    def head_for(self, lang: str) -> Head:
        return self.heads.get(lang) or self.heads[str(self.meta.get("default_head", "de"))]

    def full_available(self, head: Head) -> bool:
        if head.full_coef is None or os.environ.get("DEBATTE_CLASSIFIER_FAST") == "1":
            return False
        return embeddings.available(head.full_backends)

    def score(self, text: str, mode: str = "auto") -> Score:
        return self.score_many([text], mode=mode)[0]

    def score_many(self, texts: Sequence[str], mode: str = "auto") -> list[Score]:
        """Score comments. ``mode``: ``auto`` (full if available), ``fast`` or ``full``."""
        if mode not in {"auto", "fast", "full"}:
            raise ValueError(f"unknown mode {mode!r}")
        texts = [t if isinstance(t, str) else "" for t in texts]
        langs = [detect_language(t) for t in texts]
        norms = [normalize(t) for t in texts]
        results: list[Score | None] = [None] * len(texts)
        by_head: dict[str, list[int]] = defaultdict(list)
        for i, lang in enumerate(langs):
            by_head[self.head_for(lang).name].append(i)
        for head_name, rows in by_head.items():
            head = self.heads[head_name]
            use_full = mode != "fast" and self.full_available(head)
            if mode == "full" and not use_full:
                raise RuntimeError(f"full model for head {head_name!r} is not available")
            if use_full:
                sub_texts = [texts[i] for i in rows]
                emb = {b: embeddings.embed(b, sub_texts) for b in head.full_backends}
                dec = head.full_decisions([norms[i] for i in rows], [langs[i] for i in rows], emb)
                probs = head.full_probability(dec)
                label = f"{self.name}:{head_name}:full"
            else:
                dec = np.array([head.fast_decision(norms[i], langs[i]) for i in rows])
                probs = head.fast_probability(dec)
                label = f"{self.name}:{head_name}:fast"
            for k, i in enumerate(rows):
                results[i] = Score(
                    score=float(probs[k]),
                    reasons=head.reasons(norms[i], langs[i], full=use_full)
                    if probs[k] >= REASONS_FROM
                    else [],
                    language=langs[i],
                    model=label,
                )
        return [r for r in results if r is not None]

    def decision_threshold(self, head: str, path: str) -> float:
        """Probability threshold chosen by cross-validation on the training data."""
        return float(self.heads[head].thresholds.get(path, 0.5))


# -- persistence ---------------------------------------------------------------------------


def save_model(model_dir: Path, heads: dict[str, Head], meta: dict[str, Any]) -> None:
    model_dir.mkdir(parents=True, exist_ok=True)
    meta = {**meta, "format_version": FORMAT_VERSION, "heads": sorted(heads)}
    for name, head in heads.items():
        vocab = {
            "word": head.word.names(),
            "char": head.char.names(),
            "word_min_df": head.word.min_df,
            "char_min_df": head.char.min_df,
        }
        raw = json.dumps(vocab, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        # mtime=0 keeps the file byte-identical across identical trainings
        with (
            (model_dir / f"{name}.vocab.json.gz").open("wb") as fh,
            gzip.GzipFile(fileobj=fh, mode="wb", mtime=0, compresslevel=9) as gz,
        ):
            gz.write(raw)
        arrays: dict[str, np.ndarray] = {
            "word_idf": head.word.idf.astype(np.float32),
            "char_idf": head.char.idf.astype(np.float32),
            "fast_coef": head.fast_coef.astype(np.float32),
            "fast_intercept": np.array([head.fast_intercept], dtype=np.float64),
            "fast_platt": np.array(head.fast_platt, dtype=np.float64),
        }
        if head.full_coef is not None:
            arrays["full_coef"] = head.full_coef.astype(np.float32)
            arrays["full_intercept"] = np.array([head.full_intercept], dtype=np.float64)
            arrays["full_platt"] = np.array(head.full_platt, dtype=np.float64)
            for b in head.full_backends:
                arrays[f"emb_{b}_coef"] = head.full_emb_coef[b].astype(np.float32)
                arrays[f"emb_{b}_scale"] = np.array([head.full_emb_scale[b]], dtype=np.float64)
        np.savez_compressed(model_dir / f"{name}.npz", **arrays)  # type: ignore[arg-type]
        meta.setdefault("head_info", {})[name] = {
            "full_backends": head.full_backends,
            "thresholds": head.thresholds,
            "n_word": head.n_word,
            "n_char": head.n_char,
        }
    (model_dir / "meta.json").write_text(
        json.dumps(meta, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
    )


def load_model(model_dir: str | os.PathLike[str] | None = None) -> ClassifierModel:
    path = Path(model_dir) if model_dir else DEFAULT_MODEL_DIR
    meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    if meta.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"unsupported model format {meta.get('format_version')!r} in {path}")
    heads: dict[str, Head] = {}
    for name in meta["heads"]:
        with gzip.open(path / f"{name}.vocab.json.gz", "rt", encoding="utf-8") as fh:
            vocab = json.load(fh)
        info = meta["head_info"][name]
        with np.load(path / f"{name}.npz", allow_pickle=False) as z:
            arr = {k: z[k] for k in z.files}
        word = NgramTfidf(
            "word",
            min_df=int(vocab["word_min_df"]),
            vocab={g: i for i, g in enumerate(vocab["word"])},
            idf=arr["word_idf"],
        )
        char = NgramTfidf(
            "char",
            min_df=int(vocab["char_min_df"]),
            vocab={g: i for i, g in enumerate(vocab["char"])},
            idf=arr["char_idf"],
        )
        head = Head(
            name=name,
            word=word,
            char=char,
            fast_coef=arr["fast_coef"],
            fast_intercept=float(arr["fast_intercept"][0]),
            fast_platt=(float(arr["fast_platt"][0]), float(arr["fast_platt"][1])),
            thresholds={k: float(v) for k, v in info.get("thresholds", {}).items()},
        )
        if "full_coef" in arr:
            head.full_backends = list(info["full_backends"])
            head.full_coef = arr["full_coef"]
            head.full_intercept = float(arr["full_intercept"][0])
            head.full_platt = (float(arr["full_platt"][0]), float(arr["full_platt"][1]))
            head.full_emb_coef = {b: arr[f"emb_{b}_coef"] for b in head.full_backends}
            head.full_emb_scale = {b: float(arr[f"emb_{b}_scale"][0]) for b in head.full_backends}
        heads[name] = head
    return ClassifierModel(heads, meta, path)


_model_lock = threading.Lock()
_models: dict[str, ClassifierModel] = {}


def get_model(model_dir: str | os.PathLike[str] | None = None) -> ClassifierModel:
    """The model in ``model_dir`` (default: the shipped one), loaded once per process.

    ``$DEBATTE_CLASSIFIER_MODEL`` overrides the default directory.
    """
    chosen = model_dir or os.environ.get("DEBATTE_CLASSIFIER_MODEL") or DEFAULT_MODEL_DIR
    key = str(Path(chosen).resolve())
    with _model_lock:
        if key not in _models:
            _models[key] = load_model(key)
        return _models[key]


def score(text: str, mode: str = "auto", model_dir: str | os.PathLike[str] | None = None) -> Score:
    """Score one comment with the shipped model (loaded lazily and cached)."""
    return get_model(model_dir).score(text, mode=mode)


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def classify_lines(
    lines: Iterable[str],
    write: Any,
    *,
    mode: str = "auto",
    model: ClassifierModel | None = None,
    batch_size: int = 64,
) -> int:
    """Read JSON lines with a ``text`` field, write one JSON line per input with the score.

    Other fields of the input object (e.g. an ``id``) are copied to the output. A line that is
    not a JSON object with a string ``text`` gets an ``error`` instead of a score. Returns the
    number of lines written.
    """
    mdl = model or get_model()
    written = 0
    pending: list[dict[str, Any]] = []

    def flush() -> None:
        nonlocal written
        ok = [rec for rec in pending if "error" not in rec]
        scores = mdl.score_many([rec["text"] for rec in ok], mode=mode) if ok else []
        it = iter(scores)
        for rec in pending:
            out = dict(rec)
            if "error" not in rec:
                out.update(next(it).as_dict())
            write(json.dumps(out, ensure_ascii=False) + "\n")
            written += 1
        pending.clear()

    for line in lines:
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            pending.append({"error": f"invalid JSON: {exc.msg}"})
        else:
            if isinstance(rec, dict) and isinstance(rec.get("text"), str):
                pending.append(rec)
            else:
                pending.append({"error": "expected a JSON object with a string 'text' field"})
        if len(pending) >= batch_size:
            flush()
    flush()
    return written
