"""Fine-tune multilingual-e5-small for offensive-comment detection (PyPI's CPU PyTorch).

The encoder's weights stay frozen; every linear layer gets a rank-``rank`` LoRA update, and
the biases, layer norms and a classification layer over the mean-pooled last hidden states
are trained as well. Word embeddings are looked up in numpy from the 4-bit table (they are
not trained), so the 384 MB float table is never built. Seeds, thread count and batch order
are fixed, so two runs give the same adapter. The adapter returned is the average of the
weights over the last third of the steps (stochastic weight averaging), steadier than the
weights of the last step alone. Where the CPU multiplies bfloat16 in hardware, the products
with the frozen matrices are taken in bfloat16 (about 1.4 times faster; see ``precision``);
elsewhere numpy's BLAS takes the linear layers in float32 (see ``_numpy_lora_product``).

Only training needs PyTorch; scoring runs the result in numpy (:mod:`.encoder`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from .encoder import FUSED, LAYER_NORMS, LINEARS, PREFIX, EncoderAdapter
from .encoder_weights import EncoderWeights


@dataclass
class FinetuneConfig:
    rank: int = 8
    alpha: float = 16.0
    epochs: int = 3
    batch_size: int = 16
    lr: float = 5e-4  # LoRA matrices; biases and norms get a fifth, the classifier 1e-3
    warmup: float = 0.06
    dropout: float = 0.1
    max_tokens: int = 128  # every GermEval tweet fits; longer comments are read up to here
    threads: int = 2
    # the weights returned are averaged over the steps from this fraction of training on
    # (1.0: the last step's weights)
    average_from: float = 0.67
    # the frozen base matrices' precision: "bfloat16" (products about 1.4 times faster where the
    # CPU multiplies bfloat16 in hardware, AVX-512 BF16 or AMX), "float32", or "auto" (bfloat16
    # where the CPU has it). The trained update, biases, norms and attention stay in float32.
    precision: str = "auto"

    def __post_init__(self) -> None:
        if self.precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {PRECISIONS}, not {self.precision!r}")


PRECISIONS = ("auto", "bfloat16", "float32")


def native_bfloat16() -> bool:
    """Whether this CPU multiplies bfloat16 matrices in hardware (without it, PyTorch emulates
    them, slower than float32)."""
    import torch

    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")  # torch.cpu, private
    return any(getattr(torch.cpu, name, lambda: False)() for name in checks)


def resolved_precision(cfg: FinetuneConfig) -> str:
    """The precision fine-tuning with ``cfg`` uses on this machine."""
    if cfg.precision == "auto":
        return "bfloat16" if native_bfloat16() else "float32"
    return cfg.precision


def _numpy_lora_product() -> Any:
    """The float32 linear layers of fine-tuning, multiplied by numpy's BLAS (OpenBLAS).

    ``apply(x, w, scale, bias1, A1, B1, bias2, A2, B2, ...)`` is ``x @ w.T`` plus, on each
    layer's block of the output, ``bias + scale * (x @ A.T) @ B.T``: one layer, or several
    that read the same input (q, k and v, their frozen weights ``w`` stacked). On AMD's CPUs
    PyTorch's MKL takes these shapes slowly (one core: 45-49 GFLOP/s against OpenBLAS's 72 for
    the frozen products, and 4 to 7 times longer for the rank-8 ones), and they are three
    quarters of a training step."""
    import torch

    class LoRAProduct(torch.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any, w: np.ndarray, scale: float, *params: Any) -> Any:
            flat = x.detach().reshape(-1, w.shape[1]).contiguous().numpy()
            biases = [p.detach().numpy() for p in params[0::3]]
            a = np.concatenate([p.detach().numpy() for p in params[1::3]])  # [layers * rank, in]
            bs = [p.detach().numpy() for p in params[2::3]]
            rank = a.shape[0] // len(bs)
            t = (flat @ a.T) * np.float32(scale)
            out = flat @ w.T
            start = 0
            for i, (bias, b) in enumerate(zip(biases, bs, strict=True)):
                block = out[:, start : start + len(b)]
                block += t[:, i * rank : (i + 1) * rank] @ b.T
                block += bias
                start += len(b)
            ctx.saved = (flat, w, a, bs, t, rank, np.float32(scale))
            return torch.from_numpy(out).view(*x.shape[:-1], w.shape[0])

        @staticmethod
        def backward(ctx: Any, grad: Any) -> tuple[Any, ...]:
            flat, w, a, bs, t, rank, scale = ctx.saved
            g = grad.reshape(-1, w.shape[0]).contiguous().numpy()
            gx = g @ w
            gt = np.empty_like(t)
            grads: list[Any] = []
            start = 0
            for i, b in enumerate(bs):
                gi = g[:, start : start + len(b)]
                cols = slice(i * rank, (i + 1) * rank)
                gt[:, cols] = (gi @ b) * scale
                grads += [gi.sum(0), None, gi.T @ t[:, cols]]  # bias, A (below), B
                start += len(b)
            ga = gt.T @ flat
            gx += gt @ a
            for i in range(len(bs)):
                grads[3 * i + 1] = ga[i * rank : (i + 1) * rank]
            return (
                torch.from_numpy(gx).view(*grad.shape[:-1], w.shape[1]),
                None,
                None,
                *(torch.from_numpy(np.ascontiguousarray(g_)) for g_ in grads),
            )

    return LoRAProduct.apply


def _build(base: EncoderWeights, cfg: FinetuneConfig) -> Any:
    import torch
    from torch import nn
    from torch.nn import functional as F  # noqa: N812

    in_numpy = resolved_precision(cfg) == "float32"
    lora_product = _numpy_lora_product() if in_numpy else None

    class LoRALinear(nn.Module):
        weight: torch.Tensor  # bfloat16: the frozen base weight, a buffer (not a parameter)

        def __init__(self, w: np.ndarray, b: np.ndarray) -> None:
            super().__init__()
            if not in_numpy:  # in float32 the layer that owns it holds it (q, k, v stacked)
                self.register_buffer("weight", torch.from_numpy(w.copy()).to(torch.bfloat16))
            self.bias = nn.Parameter(torch.from_numpy(b.copy()))
            self.A = nn.Parameter(torch.randn(cfg.rank, w.shape[1]) / math.sqrt(w.shape[1]))
            self.B = nn.Parameter(torch.zeros(w.shape[0], cfg.rank))
            self.scale = cfg.alpha / cfg.rank

        def forward(self, x: Any, x_low: Any) -> Any:
            """bfloat16: ``x_low`` is ``x`` cast once for q, k and v. The trained update and
            bias stay in float32."""
            frozen = F.linear(x_low, self.weight)
            return F.linear((x @ self.A.t()) * self.scale, self.B, self.bias) + frozen

    def linears(layer: Any, names: tuple[str, ...], x: Any) -> list[Any]:
        """The outputs of ``layer``'s linear layers ``names``, which all read ``x``."""
        if lora_product is None:
            x_low = x.to(torch.bfloat16)
            return [getattr(layer, n)(x, x_low) for n in names]
        mods = [getattr(layer, n) for n in names]
        params = [p for m in mods for p in (m.bias, m.A, m.B)]
        out = lora_product(x, layer.frozen["".join(names)], mods[0].scale, *params)
        return list(out.split([len(m.bias) for m in mods], dim=-1))

    def layer_norm(w: np.ndarray, b: np.ndarray) -> Any:
        ln = nn.LayerNorm(len(w), eps=base.config.eps)
        ln.weight.data = torch.from_numpy(w.copy())
        ln.bias.data = torch.from_numpy(b.copy())
        return ln

    class Classifier(nn.Module):
        pos: torch.Tensor
        type_: torch.Tensor

        def __init__(self) -> None:
            super().__init__()
            c, t = base.config, base.tensors
            self.register_buffer("pos", torch.from_numpy(t["emb.pos"].copy()))
            self.register_buffer("type_", torch.from_numpy(t["emb.type"][: c.hidden].copy()))
            self.emb_ln = layer_norm(t["emb.ln.w"], t["emb.ln.b"])
            self.emb_ln.requires_grad_(False)
            self.layers = nn.ModuleList()
            for i in range(c.layers):
                layer = nn.Module()
                for name in LINEARS:
                    setattr(layer, name, LoRALinear(t[f"l{i}.{name}.w"], t[f"l{i}.{name}.b"]))
                if in_numpy:  # a plain attribute: numpy arrays, never trained or saved
                    layer.frozen = {  # type: ignore[assignment]
                        fused: np.concatenate([t[f"l{i}.{n}.w"] for n in names])
                        for fused, names in FUSED.items()
                    }
                for name in LAYER_NORMS:
                    setattr(layer, name, layer_norm(t[f"l{i}.{name}.w"], t[f"l{i}.{name}.b"]))
                self.layers.append(layer)
            self.drop = nn.Dropout(cfg.dropout)
            self.head = nn.Linear(c.hidden, 1)

        def forward(self, words: Any, mask: Any) -> Any:
            c = base.config
            bsz, seq, h = words.shape
            hd = h // c.heads
            x = self.emb_ln(words + self.pos[:seq] + self.type_)
            att_mask = (1.0 - mask[:, None, None, :]) * -1e9
            ly: Any  # a layer's submodules are set by name above
            for ly in self.layers:
                q, k, v = (
                    out.view(bsz, seq, c.heads, hd).transpose(1, 2)
                    for out in linears(ly, ("q", "k", "v"), x)
                )
                ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=att_mask)
                (a,) = linears(ly, ("ao",), ctx.transpose(1, 2).reshape(bsz, seq, h))
                x = ly.aln(x + a)
                (f,) = linears(ly, ("fi",), x)
                (f,) = linears(ly, ("fo",), F.gelu(f, approximate="tanh"))
                x = ly.oln(x + f)
            m = mask.unsqueeze(-1)
            pooled = (x * m).sum(1) / m.sum(1)
            return self.head(self.drop(pooled)).squeeze(-1)

    return Classifier()


def _batches(lengths: np.ndarray, batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Shuffled batches of similar length (less padding): shuffle, sort within chunks of 50
    batches by length, cut, shuffle the batches."""
    order = rng.permutation(len(lengths))
    chunk = batch_size * 50
    out: list[np.ndarray] = []
    for start in range(0, len(order), chunk):
        part = order[start : start + chunk]
        part = part[np.argsort(lengths[part], kind="stable")]
        out += [part[k : k + batch_size] for k in range(0, len(part), batch_size)]
    return [out[k] for k in rng.permutation(len(out))]


def _inputs(base: EncoderWeights, ids: Sequence[list[int]], rows: np.ndarray) -> tuple[Any, Any]:
    import torch

    seq = max(len(ids[i]) for i in rows)
    tok = np.full((len(rows), seq), base.tokenizer.pad, dtype=np.int64)
    mask = np.zeros((len(rows), seq), dtype=np.float32)
    for j, i in enumerate(rows):
        tok[j, : len(ids[i])] = ids[i]
        mask[j, : len(ids[i])] = 1.0
    return torch.from_numpy(base.word_vectors(tok)), torch.from_numpy(mask)


def finetune(
    base: EncoderWeights,
    texts: Sequence[str],
    labels: np.ndarray,
    *,
    seed: int,
    cfg: FinetuneConfig | None = None,
    progress: Callable[[str], None] = print,
) -> EncoderAdapter:
    """Fine-tune on ``texts`` (already cleaned) and return what changed."""
    cfg = cfg or FinetuneConfig()
    with threadpool_limits(cfg.threads):  # numpy's BLAS multiplies in float32
        return _finetune(base, texts, labels, seed=seed, cfg=cfg, progress=progress)


def _finetune(
    base: EncoderWeights,
    texts: Sequence[str],
    labels: np.ndarray,
    *,
    seed: int,
    cfg: FinetuneConfig,
    progress: Callable[[str], None],
) -> EncoderAdapter:
    import torch

    torch.set_num_threads(cfg.threads)
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = _build(base, cfg)
    y = torch.from_numpy(np.asarray(labels, dtype=np.float32))
    ids = [base.tokenizer.encode(t, cfg.max_tokens, PREFIX) for t in texts]
    lengths = np.array([len(i) for i in ids])
    lora = [p for n, p in model.named_parameters() if n.endswith((".A", ".B"))]
    head = list(model.head.parameters())
    rest = [
        p
        for n, p in model.named_parameters()
        if p.requires_grad and not n.endswith((".A", ".B")) and not n.startswith("head.")
    ]
    opt = torch.optim.AdamW(
        [
            {"params": lora, "lr": cfg.lr, "weight_decay": 0.01},
            {"params": rest, "lr": cfg.lr / 5, "weight_decay": 0.0},
            {"params": head, "lr": 1e-3, "weight_decay": 0.0},
        ]
    )
    steps = cfg.epochs * math.ceil(len(texts) / cfg.batch_size)
    warm = max(1, int(cfg.warmup * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / warm if s < warm else max(0.0, (steps - s) / (steps - warm))
    )
    trained = {n: p for n, p in model.named_parameters() if p.requires_grad}
    averaged = {n: torch.zeros_like(p) for n, p in trained.items()}
    n_averaged = 0
    step = 0
    model.train()
    start = time.perf_counter()
    for epoch in range(cfg.epochs):
        total = 0.0
        for rows in _batches(lengths, cfg.batch_size, rng):
            words, mask = _inputs(base, ids, rows)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                model(words, mask), y[torch.from_numpy(rows)]
            )
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            total += loss.item() * len(rows)
            step += 1
            if step >= min(cfg.average_from * steps, steps):
                with torch.no_grad():
                    for n, p in trained.items():
                        averaged[n] += p
                n_averaged += 1
        progress(
            f"fine-tuning epoch {epoch + 1}/{cfg.epochs}: loss {total / len(texts):.4f} "
            f"({time.perf_counter() - start:.0f}s)"
        )
    tensors: dict[str, np.ndarray] = {}
    for name, total_param in averaged.items():
        param = total_param / n_averaged
        if name.startswith("layers."):
            _, layer, rest_name = name.split(".", 2)
            key = f"l{layer}.{rest_name.replace('.weight', '.w').replace('.bias', '.b')}"
        else:
            key = name.replace(".weight", ".w").replace(".bias", ".b")
        tensors[key] = param.numpy().astype(np.float32)
    return EncoderAdapter(cfg.rank, cfg.alpha, cfg.max_tokens, base.sha256, tensors)
